"""The table of sessions and search hits: only the rows on screen are drawn, with a bar showing where they are."""

from __future__ import annotations

from textual.app import App, ComposeResult

from facilitator.tui.screens.virtual_table import VirtualTable


class _TableApp(App[None]):
    def __init__(self, rows: int) -> None:
        super().__init__()
        self.count = rows

    def compose(self) -> ComposeResult:
        yield VirtualTable([("Date", 10), ("Title", None)], id="t")

    def on_mount(self) -> None:
        table = self.query_one(VirtualTable)
        table.set_rows([(f"2026-01-{n % 28 + 1:02d}", f"Review {n}") for n in range(self.count)])
        table.focus()


def _marker_rows(table: VirtualTable) -> list[int]:
    return [y for y in range(table.size.height) if table.render_line(y).text.endswith("▐")]


async def test_position_bar_follows_the_rows_on_screen():
    app = _TableApp(200)
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(VirtualTable)
        assert table.render_line(1).text.startswith("2026-01-01 Review 0")
        assert _marker_rows(table) == [1]  # 11 rows of 200 on screen, at the top
        await pilot.press("end")
        await pilot.pause()
        assert table.render_line(table.size.height - 1).text.startswith("2026-01-04 Review 199")
        assert _marker_rows(table) == [table.size.height - 1]


async def test_no_position_bar_when_every_row_is_on_screen():
    app = _TableApp(5)
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()
        assert _marker_rows(table) == []
        assert len(table.render_line(1).text) == 40
