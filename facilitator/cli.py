"""`facilitator`: the TUI and its subcommands. Errors are one clear sentence on stderr, exit code 1."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from typing import NoReturn
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .settings import Clock, Settings, default_data_dir, system_clock
from .store import Store, StoreError, is_data_folder
from .templates import TemplateLibrary, load_library, open_library
from .text import visible
from .vocabulary import split_participants


class UserError(Exception):
    """Something the user can fix; the message says what and how."""


def make_app(
    store: Store,
    settings: Settings,
    clock: Clock = system_clock,
    library: TemplateLibrary | None = None,
    open_session_id: str | None = None,
    demo: bool = False,
    follow_up: bool = False,
    warm_history: bool = False,
):
    """Build the app around an opened store. Shared by the command line and the tests."""
    from .tui.app import FacilitatorApp

    library = library or open_library(store.templates_dir)  # validated just after the first screen is drawn
    session = store.load_session(open_session_id) if open_session_id else None
    return FacilitatorApp(
        store, library, settings, clock, open_session=session, demo=demo, follow_up=follow_up, warm_history=warm_history
    )


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake on the command line is one sentence and exit code 1, as every other problem is
    (argparse prints its usage block and exits with 2)."""

    def error(self, message: str) -> NoReturn:
        message = re.sub(r"^argument (\S+): is ", r"\1 is ", message)  # "--data-dir is empty; ..."
        message = message[:1].upper() + message[1:]
        self.exit(1, f"{self.prog}: {message.rstrip('.')}; `{self.prog} --help` lists what it takes.\n")


def _folder(value: str) -> Path:
    """--data-dir's value. An empty one (a variable left unset: --data-dir "$TEAM_DIR") made the current folder the
    data folder, filled it with the app's files and made it private, without a word."""
    if not value.strip():
        raise argparse.ArgumentTypeError("is empty; give the data folder's path, or leave --data-dir out for the usual one")
    return Path(value)


def _file(value: str) -> Path:
    """--out's value. An empty one (a variable left unset) was taken for the current folder: "--out . is a folder"."""
    if not value.strip():
        raise argparse.ArgumentTypeError("is empty; give the path of the file to write, or leave --out out for the records folder")
    return Path(value)


def _check_out(out: Path | None, data_dir: Path, name: str) -> None:
    """UserError if --out names a folder, or a file among the app's own in the data folder (its records folder
    aside): `export --out <data>/sessions/X.journal.jsonl` wrote a CSV over a session's journal, and the next start
    could only say that recorded changes may have been lost."""
    if out is None:
        return
    if out.is_dir():
        raise UserError(f"--out {out} is a folder; give the path of the file to write, e.g. {out / name}.")
    try:
        where, data = out.resolve(), data_dir.resolve()
    except (OSError, RuntimeError):
        return
    # This data folder, or another one (`--out <another>/sessions/ID.json` replaced that folder's session).
    for folder in where.parents:
        if (folder == data or is_data_folder(folder)) and not where.is_relative_to(folder / "records"):
            there = ", or leave --out out to write it there" if folder == data else ""
            raise UserError(
                f"--out {out} is in the data folder {folder}, where the app keeps its own files; give a path outside "
                f"it, or in its records folder ({folder / 'records'}){there}."
            )


# --data-dir is also taken after a command (`facilitator digest --data-dir X ...`), as people write it.
_DATA_DIR = _Parser(add_help=False)
_DATA_DIR.add_argument(
    "--data-dir", type=_folder, default=argparse.SUPPRESS, help="data folder (default: FACILITATOR_DATA_DIR or your user data folder)"
)


def _command(sub, name: str, **kwargs) -> argparse.ArgumentParser:  # noqa: ANN001 - argparse's subparsers action
    return sub.add_parser(name, parents=[_DATA_DIR], **kwargs)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="facilitator",
        description="Lead a team through a scripted review session, record what is said, write the minutes.",
    )
    parser.add_argument("--version", action="version", version=f"facilitator {__version__}")
    parser.add_argument("--data-dir", type=_folder, help="data folder (default: FACILITATOR_DATA_DIR or your user data folder)")
    parser.add_argument("--demo", action="store_true", help="open a made-up sample session in a throwaway folder")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    templates = _command(sub, "templates", help="list, show or check session templates")
    tsub = templates.add_subparsers(dest="templates_command", metavar="ACTION")
    _command(tsub, "list", help="every template: id, name, phases, length, source")
    show = _command(tsub, "show", help="the whole script of one template")
    show.add_argument("template_id", metavar="ID")
    validate = _command(tsub, "validate", help="check a template file and say what is wrong")
    validate.add_argument("file", type=Path, metavar="FILE")
    _command(tsub, "guide", help="how to write a template of your own, with a complete example")

    new = _command(sub, "new", help="start a new session and open it on its first phase")
    new.add_argument("--template", required=True, metavar="ID")
    new.add_argument("--title", default="")
    new.add_argument("--team", default="")
    new.add_argument("--facilitator", default="")
    new.add_argument("--participants", default="", help='names or roles, e.g. "Sam, Priya, Team manager"')
    new.add_argument("--date", default="", help="YYYY-MM-DD (default: today)")
    new.add_argument("--ground-rules-agreed", action="store_true",
                     help="the group agreed the ground rules (else f3 in the session records it, with a)")

    resume = _command(sub, "resume", help="reopen an unfinished session (the latest if no id is given)")
    resume.add_argument("session_id", nargs="?", metavar="SESSION_ID")

    sessions = _command(sub, "sessions", help="list sessions")
    ssub = sessions.add_subparsers(dest="sessions_command", metavar="ACTION")
    _command(ssub, "list", help="id, date, template, title, status; one per line")

    export = _command(
        sub,
        "export",
        help="write a session's record (a draft while it is running)",
        description="Write a session's record: markdown, HTML (prints to PDF), Word, or a CSV of its learning actions. "
        "Names on the session's names-to-replace list are replaced and safeguarding concerns are left out. "
        "A running session gives a draft.",
    )
    export.add_argument("session_id", metavar="SESSION_ID")
    export.add_argument("--format", choices=["md", "html", "docx", "csv"], default="md")
    export.add_argument("--out", type=_file, help="file to write (default: the records folder)")

    digest = _command(
        sub,
        "digest",
        help="an organisation learning digest across sessions",
        description="What went right, strengths evidenced, and learning actions with their progress, across the "
        "sessions of a period: fit to send to every team (names replaced as in the records, safeguarding concerns "
        "left out, no speakers named). --records adds the exported markdown records in a folder (other teams' "
        "records folders), so a service manager can combine several teams' learning.",
    )
    digest.add_argument("--since", required=True, metavar="DATE", help="first day, YYYY-MM-DD")
    digest.add_argument("--until", metavar="DATE", help="last day, YYYY-MM-DD (default: today)")
    digest.add_argument("--team", help="only this team's sessions")
    digest.add_argument("--format", choices=["md", "html"], default="md")
    digest.add_argument("--out", type=_file, help="file to write (default: the records folder; with only --records, the current folder)")
    digest.add_argument(
        "--records", type=Path, action="append", default=[], metavar="FOLDER",
        help="a folder of exported markdown records to include (may be given more than once)",
    )
    return parser


def _shown(text: str) -> str:
    """Text as it can be printed: bytes that were not UTF-8 (kept as surrogates, as in file names) as \\xff, and no
    control character (an escape sequence in a title written by hand would reach the terminal) but tabs and
    line breaks."""
    return visible(text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"))


def _out(text: str) -> None:
    sys.stdout.write(_shown(text) + "\n")


def _say_written(path: Path) -> None:
    """Where a command wrote its file; nothing when it wrote into something that is not a file (``--out
    /dev/stdout``), where the path would only be added to what was written."""
    try:
        if path.exists() and not path.is_file():
            return
    except OSError:
        pass
    _out(str(path))


#: how the command line's positional arguments are named in its help
_ARGUMENT_NAMES = {"template_id": "ID", "session_id": "SESSION_ID"}


def _check_text_options(args: argparse.Namespace) -> None:
    """Titles, names, ids and dates typed on the command line must be text: a byte that is not UTF-8 (the
    shell hands it over as a lone surrogate) would otherwise stop the command when it is stored or printed."""
    for name, value in vars(args).items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and any("\ud800" <= ch <= "\udfff" for ch in item):
                shown = _ARGUMENT_NAMES.get(name, "--" + name.replace("_", "-"))
                raise UserError(
                    f"{shown} has bytes that are not UTF-8 text ({_shown(item)}); type it again with the "
                    "terminal set to UTF-8 (for example LANG=en_GB.UTF-8)."
                )


def _quiet_stdout() -> None:
    """Standard output sent nowhere from now on: once its reader has gone, what is still buffered for it would
    raise again when Python flushes it at exit (and print a traceback)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _run_app(app) -> None:  # noqa: ANN001
    app.run()


def _need_terminal(run: Callable) -> None:
    """UserError before anything is opened or made, if the app (not a test's runner) would start without a terminal
    to read keys from and draw on: with its input from a file or /dev/null it waited for keys for ever, drawing
    into whatever its output was sent to."""
    if run is not _run_app:
        return
    screen = sys.__stderr__  # (where Textual draws)
    try:
        ok = sys.stdin is not None and sys.stdin.isatty() and screen is not None and screen.isatty()
    except (ValueError, OSError):
        ok = False
    if not ok:
        raise UserError(
            "The app needs a terminal to run in, and its keyboard or screen is not one here (input or output "
            "sent to a file or a pipe); start it in a terminal window. Commands such as `facilitator sessions list` "
            "and `facilitator export` work anywhere."
        )


def _lenient_output() -> None:
    """Standard output and error that can write any title: on a terminal or pipe whose encoding is not UTF-8 (an
    older server's locale, PYTHONIOENCODING), a character it has no way to write ("’", "🌟") is shown as "?"
    instead of ending the command with a traceback."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").replace("_", "-").lower()
        if encoding not in ("utf-8", "utf8") and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):  # (closed, or not a text stream that can be changed)
                pass


def main(argv: Sequence[str] | None = None, clock: Clock = system_clock, run: Callable = _run_app) -> int:
    _lenient_output()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _check_text_options(args)
        return _dispatch(parser, args, clock, run)
    except (UserError, StoreError) as exc:
        _err(f"facilitator: {exc}")
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # what reads the output stopped early (`facilitator sessions list | head`): not a fault
        _quiet_stdout()
        return 141  # as a command ended by SIGPIPE
    except OSError as exc:
        why = (exc.strerror or str(exc)).rstrip(".").lower()
        if exc.filename is not None:  # a file the command met that nothing above names in its own words
            _err(f"facilitator: could not use {exc.filename}: {why}; {_what_to_do(exc, args.command)}.")
            return 1
        # The output itself could not be written (`> /dev/full`, a disk full).
        _quiet_stdout()
        _err(f"facilitator: could not write the output: {why}. Send it to another file, or free some space.")
        return 1


def _what_to_do(exc: OSError, command: str | None) -> str:
    """What to do about a file or folder a command could not use, as the end of its sentence."""
    import errno

    elsewhere = " (or write it elsewhere with --out)" if command in ("export", "digest") else ""
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"give your user permission to read and write it{elsewhere}"
    if exc.errno == errno.EROFS:
        return f"the disk is read-only{elsewhere or ': use a data folder on another disk'}"
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        return "a file is where a folder goes: move that file aside and run the command again"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"free some space{elsewhere}"
    return f"check it and run the command again{elsewhere}"


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace, clock: Clock, run: Callable) -> int:
    if args.demo:
        _need_terminal(run)
        return _demo(clock, run)
    data_dir: Path = args.data_dir or default_data_dir()
    settings = Settings(data_dir=data_dir)
    command = args.command

    if command == "templates":
        return _templates(parser, args, data_dir)
    if command == "sessions":
        if args.sessions_command != "list":
            parser.parse_args(["sessions", "--help"])
        return _sessions_list(data_dir)
    if command == "export":
        return _export(args, data_dir)
    if command == "digest":
        return _digest(args, data_dir, clock)

    store = Store(data_dir, clock=clock).open_or_read_only()  # a full disk: opened read-only, and the app says so
    try:
        library = open_library(store.templates_dir)
        open_id = None
        if command == "new":  # (what was typed checked first; no session made for an app that cannot start)
            open_id = _new(args, store, library, clock, before_making=lambda: _need_terminal(run))
        elif command == "resume":
            open_id = _resume_id(args, store)
        _need_terminal(run)
        app = make_app(
            store, settings, clock, library=library, open_session_id=open_id, follow_up=command == "new", warm_history=True
        )
        run(app)
    finally:
        store.close()
    return 0


def _demo(clock: Clock, run: Callable) -> int:
    import shutil
    import tempfile

    from .demo import create_demo_session

    folder = Path(tempfile.mkdtemp(prefix="facilitator-demo-"))
    try:
        store = Store(folder, clock=clock).open()
        try:
            library = load_library(None)
            session = create_demo_session(store, library.get("serious-success-review"), clock)
            app = make_app(store, Settings(data_dir=folder), clock, library=library, open_session_id=session.id, demo=True)
            run(app)
        finally:
            store.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


def _new(
    args: argparse.Namespace, store: Store, library: TemplateLibrary, clock: Clock, before_making: Callable = lambda: None
) -> str:
    """The new session's id; ``before_making``: called once what was typed is checked, before the session is made."""
    from .session_ops import start_session
    from .text import parse_date, team_key

    if args.template not in library:
        raise UserError(
            f"There is no template '{args.template}'; run `facilitator templates list` to see the ids you can use."
        )
    date = None
    if args.date:
        try:
            date = parse_date(args.date)
        except ValueError as exc:
            raise UserError(f"--date: {exc}.") from None
    # A team used before keeps the spelling it has ("family support 2" is "Family Support 2"), as on the set-up
    # screen: one team, one spelling, in the records, the action register and the digest.
    team = args.team
    if team and team.strip():
        team = (store.known_teams() or {}).get(team_key(team), (team, ""))[0]
    before_making()
    session = start_session(
        store,
        library.get(args.template),
        clock=clock,
        title=args.title,
        team=team,
        facilitator=args.facilitator,
        date=date,
        participants=split_participants(args.participants),
        ground_rules_agreed=args.ground_rules_agreed,
    )
    return session.id


def _resume_id(args: argparse.Namespace, store: Store) -> str:
    if args.session_id:
        session_id = store.find_session_id(args.session_id)
        summary = next(s for s in store.list_sessions() if s.id == session_id)
        if summary.status.value != "running":
            raise UserError(
                f"Session {session_id} has ended and cannot be resumed; "
                f"its record can be written with `facilitator export {session_id} --format md`."
            )
        return session_id
    unfinished = store.unfinished_sessions()
    if not unfinished:
        raise UserError("There is no unfinished session to resume; start one with `facilitator new --template ID`.")
    return unfinished[0].id


def _templates(parser: argparse.ArgumentParser, args: argparse.Namespace, data_dir: Path) -> int:
    from .templates import find_broken, template_list_text, template_text, validate_report

    sub = args.templates_command
    user_dir = data_dir / "templates"
    if sub == "validate":
        ok, report = validate_report(args.file, user_dir)
        (_out if ok else _err)(report)
        return 0 if ok else 1
    if sub == "guide":
        return _guide()
    library = load_library(user_dir)
    if sub == "show":
        if args.template_id not in library:
            broken = find_broken(library, args.template_id)
            if broken is not None:
                from .text import plural

                more = len(broken.problems) - 1
                and_more = f", and {plural(more, 'more problem')}" if more else ""
                raise UserError(
                    f"The template '{args.template_id}' in {broken.path} is broken and cannot be used "
                    f"({broken.problems[0]}{and_more}); "
                    f"run `facilitator templates validate {broken.path}` to see every problem."
                )
            raise UserError(
                f"There is no template '{args.template_id}'; run `facilitator templates list` to see the ids you can use."
            )
        loaded = library.templates[args.template_id]
        _out(template_text(loaded.template, source=loaded.source, path=loaded.path))
        return 0
    if sub != "list":
        parser.parse_args(["templates", "--help"])
    _out(template_list_text(library, user_dir))
    return 0


def _guide() -> int:
    from .templates import guide_path

    path = guide_path()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(
            f"The template-writing guide could not be read from {path} ({getattr(exc, 'strerror', None) or exc}); "
            "install facilitator again, or read docs/templates.md in the project's source."
        ) from None
    _out(text.rstrip("\n"))
    return 0


def _err(text: str) -> None:
    sys.stderr.write(_shown(text) + "\n")


def _sessions_list(data_dir: Path) -> int:
    store = Store(data_dir, read_only=True)
    if data_dir.exists() and not data_dir.is_dir():
        raise UserError(f"{data_dir} is a file, not a data folder; pass --data-dir the folder the app keeps its sessions in.")
    if not data_dir.is_dir():  # none listed; said on stderr, so a listing read by a script stays empty
        _err(f"facilitator: there is no data folder at {data_dir} yet, so no sessions; pass --data-dir "
             "if they are kept elsewhere.")
        return 0
    store.open()
    try:
        for s in store.list_sessions():  # (the title with its names list applied: a terminal may be projected too)
            title = s.title if s.shown_title is None else s.shown_title
            _out(f"{s.id}\t{s.date.isoformat()}\t{s.template_id}\t{title}\t{s.status.value}")
        problem = store.settings_problem()  # (the folder's problems are listed here: the settings file is one)
        for notice in [*store.notices, *([problem] if problem and problem not in store.notices else [])]:
            print(f"facilitator: {notice}", file=sys.stderr)
    finally:
        store.close()
    return 0


def _export(args: argparse.Namespace, data_dir: Path) -> int:
    from .session_ops import export_record

    _check_out(args.out, data_dir, "record." + args.format)
    store = Store(data_dir, read_only=True)
    store.open()
    try:
        session = store.load_session(store.find_session_id(args.session_id))
        path = export_record(store, session, args.format, args.out)
        # What concerns this session, each in its sentence; the rest of the folder's problems counted (a folder with
        # many damaged files gave every export a wall of sentences about other sessions).
        # (the settings file's problems too: the record's handling note comes from it)
        settings = str(store.data_dir / "settings.toml")
        own = [notice for notice in store.notices if session.id in notice or settings in notice]
        for notice in own:
            print(f"facilitator: {notice}", file=sys.stderr)
        others = len(store.notices) - len(own)
        if others:
            from .text import plural

            print(f"facilitator: {plural(others, 'other problem')} in the data folder {'is' if others == 1 else 'are'} "
                  f"not about this session; `facilitator sessions list` says {'it' if others == 1 else 'them'}.",
                  file=sys.stderr)
    finally:
        store.close()
    _say_written(path)
    return 0


def _digest_input(data_dir: Path, since: dt.date, until: dt.date, today: dt.date, team: str | None,
                  records_dirs: list[Path], line=None):  # noqa: ANN001, ANN202 - (DigestInput, notices, what closes the store, whether the index was found damaged meanwhile)
    """What the digest is made from: the data folder (read-only, if it exists) and any folders of exported
    records. The data folder's sessions are handed out as light entries, their facts read as it is written.
    ``line``: a ProgressLine saying how far the reading has got."""
    from .learning.digest import DigestEntry, DigestInput
    from .learning.records import RecordShelf, read_records
    from .store.actions import read_change_rows
    from .learning.history import HistoryIndex
    from .store.history import digest_owners_setting, record_paths
    from .store.index import Filters
    from .text import plural
    from .vocabulary import SessionStatus

    inp = DigestInput(since, until, today, team=team)
    notices: list[str] = []
    store = index = None
    shelf = RecordShelf()

    def close() -> None:
        shelf.close()
        if index is not None:
            index.db.close()
        if store is not None:
            store.close()

    generation = 0

    def damaged() -> bool:
        """The history's index was found damaged (and set aside) while the digest was read from it: what was read
        of it may be short of sessions."""
        return index is not None and index.db.replaced != generation

    if data_dir.is_dir():
        store = Store(data_dir, read_only=True).open()
        try:
            inp.owners, problem = digest_owners_setting(store)
            index = HistoryIndex(store)

            def waiting(said: str) -> None:
                if line is not None:
                    line.clear()
                print(f"facilitator: {said}", file=sys.stderr, flush=True)

            index.db.waiting = waiting
            index.refresh(
                wanted=lambda s: since <= s.date <= until,
                progress=None if line is None else (
                    lambda done, total: line.say(f"Reading the history: {done:,} of {plural(total, 'session')}")
                ),
            )
            if index.failed:
                raise UserError(
                    f"The history in {data_dir} could not be read whole, so no digest was written; run the command "
                    "again (its index is then built again from the sessions)."
                )
            generation = index.db.replaced
            inp.local = [
                DigestEntry(e.id, e.date, e.team, e.title, e.template_name, e.status != SessionStatus.ended.value)
                for e in index.db.sessions(Filters(since=since, until=until))
            ]
            inp.read = index.facts
            if line is not None:
                _reading_said(inp, len(inp.local), line)
            inp.log = read_change_rows(store)
        except BaseException:
            close()
            raise
        notices = list(store.notices) + ([problem] if problem else [])
    for folder in records_dirs:
        if not folder.is_dir():
            close()
            raise UserError(f"There is no folder {folder}; give --records the folder the records were exported to.")
        said = None if line is None else (
            lambda done, total, folder=folder: line.say(f"Reading the records in {folder}: {done:,} of {plural(total, 'file')}")
        )
        found, unreadable, not_records, changed = read_records(record_paths(folder), shelf, said)
        inp.records += found
        inp.skipped_records += len(unreadable) + len(not_records)
        notices += _left_out(unreadable, "it is not UTF-8 text, or could not be read")
        notices += _left_out(not_records, "it is not a session record as the app writes them (its front matter, "
                                          "with the session's id, status and date, is missing or damaged)")
        if changed:
            named = ", ".join(map(str, changed[:NAMED_UP_TO])) + (
                f" and {len(changed) - NAMED_UP_TO:,} more" if len(changed) > NAMED_UP_TO else "")
            notices.append(
                f"{plural(len(changed), 'final record')} in {folder} {'was' if len(changed) == 1 else 'were'} cut off or "
                f"changed since the app wrote {'it' if len(changed) == 1 else 'them'} (the checksum in the front matter "
                f"does not match), so the digest reads {'it as it is' if len(changed) == 1 else 'them as they are'} now and may miss what "
                f"was cut: {named}; export {'it' if len(changed) == 1 else 'them'} again from the team's data folder."
            )
    if team:
        # A team no session was ever held for (a slip in its name) would give a digest saying it met nobody.
        from .text import team_key

        # Each team as the digest shows it (its sessions' names lists applied: "Child A's family group" for
        # "Jayden's family group"), found by that spelling or as the team was typed; the newest session's spelling.
        shown: dict[str, str] = {}  # a team's key, shown or as typed -> the team as shown
        for row in (store.session_rows() if store is not None else ()):
            if row.team.strip():
                as_shown = row.shown_team if row.shown_team.strip() else row.team
                shown.setdefault(team_key(as_shown), as_shown)
                shown.setdefault(team_key(row.team), shown[team_key(as_shown)])
        for entry in inp.records:
            if entry.team.strip():
                shown.setdefault(team_key(entry.team), entry.team)
        if team_key(team) not in shown:
            close()
            listed = ", ".join(sorted({team_key(s): s for s in shown.values()}.values(), key=str.casefold)) or "none yet"
            raise UserError(f"No session was ever held for a team called '{team}'; the teams are: {listed}.")
        inp.team = shown[team_key(team)]  # as its sessions spell it ("fostering" is "Fostering")
    return inp, notices, close, damaged


#: files left out of a records digest named one by one, up to this many; the rest counted
NAMED_UP_TO = 20


def _left_out(paths: list[Path], why: str) -> list[str]:
    """One sentence for each file a records digest left out, naming it (the first NAMED_UP_TO, then how many more),
    so that whoever combines the records can tell whose record is missing."""
    said = [f"{path} was left out of the digest: {why}." for path in paths[:NAMED_UP_TO]]
    if len(paths) > NAMED_UP_TO:
        said.append(f"{len(paths) - NAMED_UP_TO:,} more files were left out for the same reason ({why}).")
    return said


def _reading_said(inp, total: int, line) -> None:  # noqa: ANN001
    """The digest's reader of sessions' facts (``inp.read``) made to say on ``line`` how many sessions it has read:
    the digest reads every session of its period once (what went right, the strengths), then those with learning
    actions again (the actions' table)."""
    from .text import plural

    read = inp.read
    done = 0
    again = 0  # how many are read again for the actions, once the digest says

    def reading_actions(count: int) -> None:
        nonlocal again
        again = count

    def reading(ids: list[str]):  # noqa: ANN202
        nonlocal done
        for facts in read(ids):
            done += 1
            if done <= total:
                line.say(f"Writing the digest: {done:,} of {plural(total, 'session')} read")
            else:
                line.say(f"Writing the digest: the learning actions, {done - total:,} of {plural(again, 'session')} read")
            yield facts

    inp.read = reading
    inp.reading_actions = reading_actions


def _digest(args: argparse.Namespace, data_dir: Path, clock: Clock) -> int:
    from .text import parse_date
    from .store.history import write_learning_file
    from .learning.digest import render_digest

    dates = {}
    for name in ("since", "until"):
        value = getattr(args, name)
        if value is not None and not value.strip():  # (`--since ''` was taken as today)
            raise UserError(f"--{name} is empty; give a day as YYYY-MM-DD, e.g. --{name} {clock().date():%Y-%m-01}.")
        try:
            dates[name] = parse_date(value) if value else clock().date()
        except ValueError as exc:
            raise UserError(f"--{name}: {exc}.") from None
    if dates["until"] < dates["since"]:
        if args.until is None:  # (the until left out is today: it is the --since that is wrong)
            raise UserError(f"--since {dates['since']:%Y-%m-%d} is after today; give the first day the digest covers, "
                            "today or before.")
        raise UserError("--until is before --since; give the first day with --since and the last with --until.")
    _check_out(args.out, data_dir, "digest." + args.format)
    if not data_dir.is_dir() and not args.records:
        raise UserError(f"There is no data folder at {data_dir}; pass --data-dir, or --records with a folder of exported records.")
    from .progress_line import ProgressLine

    # On the terminal only, once it takes more than a moment (20,000 sessions: about 13 s); not when the digest
    # itself is written into something that is not a file (--out /dev/stdout), where the two would mix.
    line = ProgressLine(wanted=args.out is None or not args.out.exists() or args.out.is_file())
    name = f"digest-{dates['since'].isoformat()}-to-{dates['until'].isoformat()}.{args.format}"
    # --out; else the data folder's records folder; else (only --records given) the current folder.
    out = args.out if args.out is not None else None if data_dir.is_dir() else Path(name)
    for attempt in (1, 2):
        try:
            inp, notices, close, damaged = _digest_input(
                data_dir, dates["since"], dates["until"], clock().date(), args.team, args.records, line
            )
        finally:
            line.clear()
        try:
            for notice in notices:
                print(f"facilitator: {notice}", file=sys.stderr)

            def content():  # noqa: ANN202
                # Written as it is made: a long history's digest is never held whole in memory.
                for piece in render_digest(inp, args.format):
                    yield piece.encode("utf-8")
                if damaged():
                    # The index was found damaged while the digest was read from it (and set aside): the digest may
                    # be short of sessions, so it is not kept (the file is written whole or not at all).
                    raise _IndexDamagedMeanwhile

            try:
                written = write_learning_file(Store(data_dir, read_only=True), name, content(), out=out)
            except _IndexDamagedMeanwhile:
                if attempt == 2:
                    raise UserError(f"The history's index in {data_dir} was found damaged twice while the digest was "
                                    "made, so no digest was written; run the command again.") from None
                print("facilitator: The history's index was found damaged while the digest was made; it is built "
                      "again from the sessions and the digest made again.", file=sys.stderr)
                continue
            finally:
                line.clear()
            _say_written(written)
            return 0
        finally:
            close()
    return 1


class _IndexDamagedMeanwhile(Exception):
    """The history's index was set aside (found damaged) while a digest was read from it."""


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
