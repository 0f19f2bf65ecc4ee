"""What a browser may send to the apps' widgets (huainan.apps.controls), checked in the kernel.

The messages are delivered as the kernel delivers them: to the widget's comm
(``comm.handle_msg``), which calls whatever handler is installed — ipywidgets' own before the
fix, :func:`huainan.apps.controls.handle_message` after it. The screens are built with the
apps' own builders (``*_app()``, which go through ``base.guard``).
"""

from __future__ import annotations

import math

import ipywidgets as W
import pytest

from huainan.apps import base, controls, home, monitor, regional, whatif


def update(widget, state, buffers=(), buffer_paths=None):
    """Deliver a front end's ``update`` message to ``widget`` as the kernel does."""
    data = {"method": "update", "state": state}
    if buffer_paths is not None:
        data["buffer_paths"] = buffer_paths
    widget.comm.handle_msg({"content": {"comm_id": widget.model_id, "data": data},
                            "buffers": list(buffers)})  # fmt: skip


def find(root, css_class, kind=W.Widget):
    """The widget of type ``kind`` carrying ``css_class`` under ``root``."""
    for w in controls.widgets_under(root):
        if isinstance(w, kind) and css_class in getattr(w, "_dom_classes", ()):
            return w
    raise KeyError(css_class)


def pngs(folder):
    return sorted(folder.rglob("*.png"))


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "chart-cache"
    monkeypatch.setenv("HUAINAN_CACHE_DIR", str(folder))
    return folder


def test_off_step_and_out_of_range_slider_values_draw_nothing(cache_dir):
    screen = whatif.whatif_app()
    population = find(screen, "hn-population", W.FloatSlider)
    before, value = pngs(cache_dir), population.value
    assert before  # the screen's first capacity chart is cached
    # off the 0.1 steps (each would be a new chart in the shared cache), out of range, not a
    # number, and a change of the slider's range sent along with a value in it
    for bad in (
        {"value": 0.13},
        {"value": -0.55},
        {"value": 1e9},
        {"value": math.nan},
        {"value": "1.0"},
        {"value": True},
        {"max": 100.0, "value": 50.0},
        {"min": -100.0},
    ):
        update(population, bad)
        assert population.value == value, bad
        assert (population.min, population.max) == (-3.0, 3.0)
    assert pngs(cache_dir) == before
    # a value on the grid, as a browser's slider sends it (float noise included): one chart
    update(population, {"value": -0.9000000000000001})
    assert population.value == -0.9
    assert len(pngs(cache_dir)) == len(before) + 1
    supply = find(screen, "hn-supply", W.FloatSlider)
    update(supply, {"value": 5.25})  # the supply slider moves in steps of 0.5
    assert supply.value == 5.0
    update(supply, {"value": 7.5})
    assert supply.value == 7.5


def test_a_disabled_toggle_cannot_be_changed(cache_dir):
    screen = regional.regions_app()
    basis = find(screen, "hn-basis", W.ToggleButtons)
    # the default indicator (60岁及以上人口占比) is a share: no per-capita basis
    assert basis.disabled and basis.value == "raw"
    before = pngs(cache_dir)
    update(basis, {"index": 1})
    assert basis.value == "raw" and pngs(cache_dir) == before
    # for a count the toggle is enabled and the same message is accepted
    indicator = find(screen, "hn-indicator", W.Dropdown)
    update(indicator, {"index": list(indicator.options).index(
        next(o for o in indicator.options if o[1] == "pop_age_60plus"))})  # fmt: skip
    assert not basis.disabled
    update(basis, {"index": 1})
    assert basis.value == "per_1000"


def test_dropdown_accepts_only_an_index_of_its_options(cache_dir):
    screen = monitor.monitor_app()
    indicator = find(screen, "hn-indicator", W.Dropdown)
    domain = find(screen, "hn-domain", W.Dropdown)
    table = find(screen, "hn-progress-table", W.HTML)
    value, html_before = indicator.value, table.value
    for bad in ({"index": 23}, {"index": -1}, {"index": None}, {"index": "2"},
                {"index": 1.0}, {"value": "life_expectancy"},
                {"_options_labels": ["x"] * 23}):  # fmt: skip
        update(indicator, bad)
        assert indicator.value == value, bad
    assert indicator.index is not None and len(indicator.options) == 23
    update(domain, {"index": 5})  # 老有所养: the table redraws and has its four indicators
    assert domain.value == "elderly_care" and table.value != html_before
    assert len(indicator.options) == 4
    update(indicator, {"index": 4})  # now out of range
    assert indicator.index is not None and indicator.index < 4


def test_only_controls_take_changes_and_malformed_messages_are_refused(cache_dir):
    screen = find(home.data_status(), "hn-data-status", W.HTML)  # a table: nothing to change
    text = screen.value
    update(screen, {"value": "<script>alert(1)</script>"})
    assert screen.value == text
    # boxes, layouts and styles are not controls either
    app = whatif.whatif_app()
    update(app, {"children": []})
    assert app.children
    update(app.layout, {"display": "none"})
    assert app.layout.display is None
    population = find(app, "hn-population", W.FloatSlider)
    value = population.value
    for msg in (
        {},
        {"content": {}},
        {"content": {"data": "x"}},
        {"content": {"data": {"method": "update"}}},
        {"content": {"data": {"method": "update", "state": ["value"]}}},
        {"content": {"data": {"method": "custom", "content": {"event": "click"}}}},
        {
            "content": {
                "data": {"method": "update", "state": {"value": 1.0}, "buffer_paths": [["value"]]}
            },
            "buffers": [],
        },  # fmt: skip
        {"content": {"data": {"method": "nonsense"}}},
    ):
        population.comm.handle_msg(msg)  # never raises
    assert population.value == value


def test_every_widget_of_every_screen_is_protected(cache_dir):
    for screen in (
        home.data_status(),
        monitor.monitor_app(),
        regional.regions_app(),
        whatif.whatif_app(),
    ):
        widgets = list(controls.widgets_under(screen))
        assert len(widgets) > 1 or isinstance(screen, W.HTML)
        for w in widgets:
            assert getattr(w, "_hn_rule", None) is controls.rule_for(w), w
    # the chart panels' error box, shown later outside the tree, too
    assert base.ChartPanel("图").error._hn_rule is controls.read_only


def test_button_takes_clicks_only_when_enabled():
    clicks = []
    button = controls.protect(W.Button(description="确定"))
    button.on_click(lambda b: clicks.append(1))
    click = {"content": {"data": {"method": "custom", "content": {"event": "click"}}}}
    button.comm.handle_msg(click)
    button.comm.handle_msg({"content": {"data": {"method": "custom", "content": {"x": 1}}}})
    update(button, {"description": "x"})
    assert clicks == [1] and button.description == "确定"
    button.disabled = True
    button.comm.handle_msg(click)
    assert clicks == [1]


# ---------------------------------------------------------------------------------------------
# the pattern for an upload page: FileUpload through guard()
# ---------------------------------------------------------------------------------------------


def upload_screen(**kwargs):
    box = base.guard("上传", lambda: W.VBox([W.FileUpload(**kwargs)]))
    return box.children[0]


def entry(name="报表.xlsx", content=b"x", **over):
    e = {"name": name, "type": "application/vnd.ms-excel", "size": len(content),
         "last_modified": 1.7e12}  # fmt: skip
    return {**e, **over}


def send_files(upload, files, contents, paths=None):
    paths = paths if paths is not None else [["value", i, "content"] for i in range(len(files))]
    update(upload, {"value": files}, buffers=contents, buffer_paths=paths)


def test_upload_of_8_mib_is_accepted_and_more_refused():
    upload = upload_screen(accept=".xlsx,.csv", multiple=False)
    eight = b"\x00" * controls.UPLOAD_MAX_BYTES
    send_files(upload, [entry(content=eight)], [eight])
    assert len(upload.value) == 1 and upload.value[0].name == "报表.xlsx"
    assert upload.value[0].content.nbytes == 8 * 2**20
    more = eight + b"\x00"
    upload.value = ()
    send_files(upload, [entry(content=more)], [more])
    assert upload.value == ()


@pytest.mark.parametrize(
    "files, contents, paths",
    [
        ([entry(), entry("b.xlsx")], [b"x", b"x"], None),  # two files, multiple=False
        ([entry("../../etc/passwd.xlsx")], [b"x"], None),  # a path, not a file name
        ([entry("a\\b.xlsx")], [b"x"], None),
        ([entry("宏.xlsm")], [b"x"], None),  # not an accepted extension
        ([entry("a.xlsx", size=99)], [b"x"], None),  # size not the bytes received
        ([entry()], [b"x"], [["value", 0, "name"]]),  # content not where the front end puts it
        ([entry()], [], []),  # no content
        ([{**entry(), "extra": 1}], [b"x"], None),
        ([entry(name="")], [b"x"], None),
        ([entry(name="a" * 300 + ".xlsx")], [b"x"], None),
        ([entry(last_modified="yesterday")], [b"x"], None),
        ("a.xlsx", [b"x"], [["value"]]),
    ],
)
def test_upload_refuses_what_a_browser_would_not_send(files, contents, paths):
    upload = upload_screen(accept=".xlsx,.csv", multiple=False)
    send_files(upload, files, contents, paths)
    assert upload.value == ()


def test_upload_limits_can_be_set_per_page():
    from functools import partial

    upload = controls.protect(
        W.FileUpload(accept=".csv", multiple=True),
        rule=partial(controls.upload_rule, max_bytes=10, max_files=2),
    )
    send_files(upload, [entry("a.csv", b"12345"), entry("b.csv", b"12345")], [b"12345"] * 2)
    assert [f.name for f in upload.value] == ["a.csv", "b.csv"]
    upload.value = ()
    send_files(upload, [entry("a.csv", b"123456"), entry("b.csv", b"12345")], [b"123456", b"12345"])
    assert upload.value == ()
    send_files(upload, [entry(f"{i}.csv") for i in range(3)], [b"x"] * 3)
    assert upload.value == ()


def test_the_click_a_toggle_buttons_view_sends_after_a_change_is_not_refused(cache_dir):
    # ipywidgets' ToggleButtonsView sends {"event": "click"} after each index change
    screen = monitor.monitor_app()
    stage = find(screen, "hn-stage", W.ToggleButtons)
    before = controls._refusals
    update(stage, {"index": 1})
    stage.comm.handle_msg(
        {"content": {"data": {"method": "custom", "content": {"event": "click"}}}, "buffers": []}
    )
    assert stage.value == "midterm" and controls._refusals == before


# ---------------------------------------------------------------------------------------------
# the upload page (huainan.apps.upload) through the comm
# ---------------------------------------------------------------------------------------------

UPLOAD_CSV = (
    "区划代码,地区,指标,年份,数值,单位\n"
    "340400,淮南市,人均预期寿命,2023,78.3,岁\n"
    "340400,淮南市,每千人口执业(助理)医师数,2023,412,人\n"
).encode()


def test_the_upload_page_takes_a_file_and_text_and_refuses_the_rest(tmp_path, monkeypatch):
    from huainan.apps import upload

    monkeypatch.delenv(upload.TOKEN_ENV, raising=False)
    (tmp_path / "store").mkdir()
    screen = upload.upload_app(tmp_path / "store")
    for w in controls.widgets_under(screen):
        assert getattr(w, "_hn_rule", None) is controls.rule_for(w), w
    files = [w for w in controls.widgets_under(screen) if isinstance(w, W.FileUpload)]
    texts = [w for w in controls.widgets_under(screen) if type(w) is W.Text]
    buttons = [w for w in controls.widgets_under(screen) if isinstance(w, W.Button)]
    (chooser,), (who,), (confirm,) = files, texts, buttons
    # the confirm button is disabled until a file passed the check: a forged click does nothing
    assert confirm.disabled
    click = {"content": {"data": {"method": "custom", "content": {"event": "click"}}}}
    confirm.comm.handle_msg(click)
    assert screen.children and "请先选择文件" not in str(
        [getattr(w, "value", "") for w in controls.widgets_under(screen)]
    )
    update(who, {"value": "寿县卫健委 王五"})
    assert who.value == "寿县卫健委 王五"
    update(who, {"value": "王" * 1001})
    assert who.value == "寿县卫健委 王五"
    # a file as the browser sends it: checked, and the reasons asked for are text boxes that
    # are protected too although they were created after the screen
    entry = {"name": "县区报表.csv", "type": "text/csv", "size": len(UPLOAD_CSV),
             "last_modified": 1.7e12}  # fmt: skip
    update(chooser, {"value": [entry]}, buffers=[UPLOAD_CSV],
           buffer_paths=[["value", 0, "content"]])  # fmt: skip
    reasons = [w for w in controls.widgets_under(screen) if type(w) is W.Text and w is not who]
    assert reasons and all(r._hn_rule is controls.text_rule for r in reasons)
    assert not confirm.disabled
    # a file the page does not take: refused before the page sees it
    update(chooser, {"value": [{**entry, "name": "宏.xlsm"}]}, buffers=[UPLOAD_CSV],
           buffer_paths=[["value", 0, "content"]])  # fmt: skip
    assert [f.name for f in chooser.value] == ["县区报表.csv"]
