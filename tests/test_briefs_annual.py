"""The main job end to end: the shipped annual batch (nine domain briefs + city overview) runs on the
shipped data, every brief succeeds, the HTML briefs are code-free, in Chinese, with charts; and an
unchanged rerun reuses everything."""

import pytest

from huainan.briefs.batch import run_batch
from huainan.plan import domains

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def annual(tmp_path_factory):
    out = tmp_path_factory.mktemp("简报输出")  # a non-ASCII output path, as officials use
    return out, run_batch("annual", jobs=2, output_dir=out, progress=False)


def test_every_brief_succeeds(annual):
    _, result = annual
    assert result.ok, result.summary()
    names = [b["name"] for b in result.briefs]
    assert names == ["city"] + [f"domain-{d}" for d in domains.DOMAIN_IDS]


def test_html_briefs_are_readable_without_jupyter(annual):
    _, result = annual
    for brief in result.briefs:
        html = (result.run_dir / brief["products"]["html"]).read_text(encoding="utf-8")
        assert "Traceback" not in html
        assert "import huainan" not in html and "from huainan" not in html  # no code
        assert "data:image/png;base64" in html  # charts embedded
    index = (result.run_dir / "index.html").read_text(encoding="utf-8")
    for d in domains.DOMAINS:
        assert f"{d.zh}领域简报" in index  # each brief titled by its domain
    housing = (result.run_dir / "domain-housing.html").read_text(encoding="utf-8")
    # the one plan indicator with a published figure: 274 estates renovated 2021–2022, from a
    # third-party repost; the final evaluation needs 2021–2025, so no verdict and the gap named
    assert "城镇老旧小区改造" in housing and "缺2023、2024、2025年数据" in housing
    assert "第三方转载或报道" in housing
    # the shipped data hold no county return: every gap section says so plainly, nothing filled
    veterans = (result.run_dir / "domain-veterans.html").read_text(encoding="utf-8")
    assert "本领域主要指标尚无各县区报送的数值，无法比较县区差距" in veterans
    assert "本领域指标在规划和国家统计中不分城镇、乡村监测" in veterans
    assert "规划未给优军服务保障设定按人口计算" in veterans
    city = (result.run_dir / "city.html").read_text(encoding="utf-8")
    assert "规划主要指标尚无各县区报送的数值" in city and "人口背景" in city
    assert "差距扩大" not in city  # census demographics carry no verdict


def test_unchanged_rerun_reuses_every_brief(annual):
    out, first = annual
    second = run_batch("annual", jobs=2, output_dir=out, progress=False)
    assert second.ok
    assert {b["status"] for b in second.briefs} == {"reused"}
    assert [b["key"] for b in second.briefs] == [b["key"] for b in first.briefs]


def test_the_city_brief_the_monitor_app_and_the_csv_agree(annual, tmp_path):
    """Issue 9/10: every screen shows the same value, year and verdict for every indicator."""
    import csv
    import html as html_lib
    import re

    from huainan.apps.monitor import MonitorApp, evaluation_rows
    from huainan.measures import evaluation

    _, result = annual
    city = (result.run_dir / "city.html").read_text(encoding="utf-8")
    rows = [
        re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", tr)))
        for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", city, flags=re.S)
    ]
    table = evaluation.evaluate(2025)
    out = tmp_path / "e.csv"
    evaluation.write_csv(table, out)
    with out.open(encoding="utf-8") as f:
        by_csv = {r["indicator_id"]: r for r in csv.DictReader(f)}
    shown = evaluation_rows(MonitorApp().table_for("final"))[0].set_index("指标")
    for r in table.itertuples(index=False):
        brief_row = next(x for x in rows if f" {r.name_zh} " in f" {x} " and r.target_text in x)
        app_row = shown.loc[r.name_zh]
        assert app_row["结论"] == r.verdict_zh and r.verdict_zh in brief_row
        assert by_csv[r.indicator_id]["verdict"] == r.verdict
        assert app_row["数值年份"] == (r.value_year or "—")
        if r.value_year:
            assert r.value_year in brief_row and app_row["采用数值"] in brief_row
