"""Command palette (ctrl+p) commands for leading the room: projector mode, help, next and previous phase, ending
the session, the multi-line editor, timer, people, contributions, undo, ground rules, the pause screen, the safeguarding notes, the whole session and the closing read-back. Each has a key too (see help.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from .commands import ListedCommands


class RoomCommands(ListedCommands):
    def _commands(self) -> list[tuple[str, str, Callable[[], None]]]:
        app = self.app
        on = getattr(app, "projector", False)
        commands = [
            (
                "Projector mode: " + ("turn off" if on else "turn on"),
                "The room view: large title, question and timer, contributions in columns (f2)",
                app.action_toggle_projector,
            ),
            ("Help: every key, and this phase's guidance", "The app's keys, and the current phase's guidance (f1)",
             app.action_help),
        ]
        screen = self._session_screen()
        if screen is None:
            return commands
        running = screen.timer().running
        chosen = "the chosen contribution (or the last one)"
        commands += [
            ("Next phase", "On to the next phase; on the last one, the closing read-back (ctrl+n)", screen.action_next_phase),
            ("Previous phase", "Back to the phase before: nothing is lost (ctrl+b)", screen.action_previous_phase),
            ("End the session", "Confirm, then the record is written and its path shown (ctrl+e)", screen.action_end),
            (
                "Multi-line editor for the contribution",
                "What is typed, in an editor that keeps line breaks; ctrl+s there records it (ctrl+o)",
                screen.action_long_editor,
            ),
            ("Timer: " + ("pause" if running else "start"), "Start or pause the phase timer (ctrl+t)", screen.action_toggle_timer),
            ("Timer: add 2 minutes", "More time for this phase (f5)", screen.action_extend_timer),
            ("Undo the last change", "Undo the last recording, edit, delete, move, star, tag or flag (ctrl+z)", screen.action_undo),
            ("Choose a contribution", "Move into the list to choose one: up/down, then e d m s t ! (ctrl+l)", screen.action_choose),
            ("Edit a contribution", f"Change the text or who said it: {chosen} (e)", partial(screen.change, "edit")),
            ("Delete a contribution", f"With a confirmation; ctrl+z brings it back: {chosen} (d)", partial(screen.change, "delete")),
            ("Move a contribution to another phase", f"{chosen} (m)", partial(screen.change, "move")),
            ("Turning point earlier in the timeline", f"In the order of the story: {chosen} (shift+up)",
             partial(screen.change, "earlier")),
            ("Turning point later in the timeline", f"In the order of the story: {chosen} (shift+down)",
             partial(screen.change, "later")),
            ("Star a contribution as a highlight", f"Highlights have their own section in the record: {chosen} (s)", partial(screen.change, "star")),
            ("Tag a contribution", f"Tags from the template's list, and 'decision': {chosen} (t)", partial(screen.change, "tag")),
            (
                "Flag a contribution as a safeguarding concern",
                f"Hidden from the screen and the record, kept in a facilitator-only note: {chosen} (!)",
                partial(screen.change, "flag"),
            ),
            (
                "Record what is typed as a safeguarding concern",
                "Never shown in the list or the record; kept in the facilitator-only note (ctrl+f)",
                screen.action_record_flagged,
            ),
            ("Safeguarding notes (facilitator only)", "The flagged concerns and the same-day reminder (f6)", screen.action_safeguarding),
            ("People: attendees and apologies", "Who is here (numbered for @1, @2, ...) and who sent apologies (f7)", screen.action_people),
            ("Ground rules", "Show the ground rules to the room (f3)", screen.action_ground_rules),
            ("Pause the room for a breather", "A calm screen with nothing on it (f4)", screen.action_pause_room),
            ("Whole session: every phase's contributions", "One scrollable screen, to look back over with the room (f8)", screen.action_whole_session),
            (
                "Closing read-back: actions, highlights, strengths",
                "Read back to the room before ending: each action's owner, due date and who hears (f9)",
                screen.action_read_back,
            ),
            (
                "Phones: open to phones and show the join code",
                "A QR code and address on the screen; what phones send waits until you show it (f10)",
                screen.action_phones,
            ),
            ("Phones: show what phones sent", "Everything waiting, shown to the room at once (ctrl+r)", screen.action_reveal_phones),
            ("Phones: review what phones sent", "One by one: enter shows it, x rejects it (ctrl+w)", screen.action_review_phones),
            ("Phones: dot vote on this phase's items", "Each phone has a few votes; the result goes into the record (f12)",
             screen.action_vote),
        ]
        if screen.phones_url:
            commands.append(
                ("Phones: close phone access", "Every phone is cut off; opening again makes a new code", screen.action_close_phones)
            )
        return commands

