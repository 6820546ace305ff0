"""The examples picker and the Rosetta side-by-side view, driven headless with App.run_test()."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

from sqla_explore.queries.examples import EXAMPLES
from sqla_explore.tui.examples_picker import ExamplesPicker
from sqla_explore.tui.rosetta_view import DIFFERENT, SAME, RosettaView

ROSETTA = {
    "legacy": "db.query(User).first()",
    "modern": "(await db.execute(select(User))).scalars().first()",
    "same_result": True,
    "legacy_value": "User(1)",
    "modern_value": "User(1)",
}


class PickerApp(App):
    def __init__(self):
        super().__init__()
        self.picked: list[str | None] = []

    def on_mount(self) -> None:
        self.push_screen(ExamplesPicker(), self.picked.append)


def _text(widget: Static) -> str:
    return str(widget.render())


async def test_picker_lists_examples_and_returns_the_source():
    app = PickerApp()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, ExamplesPicker)
        from textual.widgets import OptionList

        options = screen.query_one("#examples-list", OptionList)
        assert options.option_count == len(EXAMPLES)
        await pilot.press("down", "enter")
        await pilot.pause()
    assert app.picked == [EXAMPLES[1].source]


async def test_picker_escape_returns_none():
    app = PickerApp()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("escape")
        await pilot.pause()
    assert app.picked == [None]


class ViewApp(App):
    def __init__(self, rosetta):
        super().__init__()
        self.rosetta = rosetta

    def compose(self) -> ComposeResult:
        yield RosettaView(self.rosetta)


async def test_rosetta_view_shows_both_sides_and_verdict():
    app = ViewApp(ROSETTA)
    async with app.run_test(size=(120, 30)) as pilot:
        view = app.query_one(RosettaView)
        assert SAME in _text(view.query_one("#rosetta-verdict", Static))
        assert "User(1)" in _text(view.query_one("#rosetta-legacy-outcome", Static))
        different = dict(ROSETTA, same_result=False, legacy_error={"type": "TypeError", "message": "object User can't be used in 'await' expression"})
        del different["legacy_value"]
        view.show(different)
        await pilot.pause()
        assert DIFFERENT in _text(view.query_one("#rosetta-verdict", Static))
        assert "TypeError" in _text(view.query_one("#rosetta-legacy-outcome", Static))
        view.show({"untranslatable": "Query.update() after .limit()", "reason": "a bulk UPDATE / DELETE takes only filters"})
        await pilot.pause()
        assert "Query.update() after .limit()" in _text(view.query_one("#rosetta-verdict", Static))
        view.show(None)
        await pilot.pause()
        assert "db.query" in _text(view.query_one("#rosetta-verdict", Static))
