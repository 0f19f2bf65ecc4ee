"""The prefecture brief's measures, tables and page: hand-checked values for two cities of two
provinces (淮北市, Anhui; 石嘴山市, Ningxia), the ranking page, the yearbook section, and the
notebook run end to end."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from huainan.briefs import prefecture, ranking
from huainan.briefs.parameters import load_batch
from huainan.errors import ParameterError
from huainan.measures import prefectures as pf

# 2020 census county table (《中国人口普查分县资料—2020》), share of residents aged 65+ (%):
# 淮北市 杜集区 17.63, 相山区 10.66, 烈山区 15.42, 濉溪县 13.48.
HUAIBEI_65 = {"杜集区": 17.63, "相山区": 10.66, "烈山区": 15.42, "濉溪县": 13.48}
# 石嘴山市 average years of schooling (population 6+): 大武口区 10.27, 惠农区 9.57, 平罗县 8.68.
SHIZUISHAN_SCHOOLING = {"大武口区": 10.27, "惠农区": 9.57, "平罗县": 8.68}


def cv_by_hand(values):
    """sd (population, ddof 0) / mean, written out."""
    n = len(values)
    mean = sum(values) / n
    return math.sqrt(sum((v - mean) ** 2 for v in values) / n) / mean


def test_333_prefectures_and_anhuis_16():
    p = pf.prefectures()
    assert len(p) == 333
    assert (p["n_units"] >= 2).all()
    anhui = p[p["province_code"] == "340000"]
    assert len(anhui) == 16 and int(anhui["n_units"].sum()) == 105  # 105 Anhui units, no zones


def test_huaibei_units_and_a_cv_by_hand():
    u = pf.city_units("340600")
    assert u["name"].tolist() == ["杜集区", "相山区", "烈山区", "濉溪县"]
    assert u["group"].tolist() == ["district"] * 3 + ["county"]
    assert dict(zip(u["name"], u["share_age_65plus"], strict=True)) == HUAIBEI_65
    row = pf.check_city("340600")
    assert (row["n_units"], row["n_districts"], row["n_counties"]) == (4, 3, 1)
    g = pf.city_gaps("340600").set_index("indicator")
    # mean 57.19 / 4 = 14.2975; Σ(v − mean)² = 26.265275; sd = √(26.265275 / 4) = 2.56248
    assert cv_by_hand(list(HUAIBEI_65.values())) == pytest.approx(0.179226, abs=1e-6)
    assert g.at["share_age_65plus", "cv"] == pytest.approx(cv_by_hand(list(HUAIBEI_65.values())))
    assert g.at["share_age_65plus", "min_unit"] == "相山区"
    assert g.at["share_age_65plus", "max_unit"] == "杜集区"
    assert g.at["share_age_65plus", "n_cities"] == 333


def test_shizuishan_units_and_a_cv_by_hand():
    u = pf.city_units("640200")
    assert len(u) == 3 and u["group"].tolist() == ["district", "district", "county"]
    assert dict(zip(u["name"], u["avg_years_schooling"], strict=True)) == SHIZUISHAN_SCHOOLING
    g = pf.city_gaps("640200").set_index("indicator")
    # mean 28.52 / 3 = 9.50667; Σ(v − mean)² = 1.270067; sd = 0.650658; CV = 0.068442
    assert g.at["avg_years_schooling", "cv"] == pytest.approx(0.068442, abs=1e-6)
    assert g.at["avg_years_schooling", "cv"] == pytest.approx(
        cv_by_hand(list(SHIZUISHAN_SCHOOLING.values()))
    )


def test_rank_one_is_the_widest_gap():
    r = pf.ranks()
    cv = r[r["indicator"] == "share_age_65plus"].dropna(subset=["value"])
    widest = cv.loc[cv["value"].idxmax()]
    assert widest["rank"] == 1 and widest["percentile"] > 99
    mine = cv.set_index("prefecture_code")
    # a wider gap never has a worse (larger) rank number
    assert (mine.loc["340600", "value"] > mine.loc["640200", "value"]) == (
        mine.loc["340600", "rank"] < mine.loc["640200", "rank"]
    )


def test_an_unknown_city_is_refused():
    with pytest.raises(KeyError, match="not the code of a prefecture-level city"):
        pf.check_city("340499")
    with pytest.raises(KeyError):
        pf.check_city("419001")  # 济源市: province-administered, one unit


def test_city_parameter_is_validated_and_named(tmp_path):
    import shutil

    from huainan.paths import REPO_ROOT

    pdir = tmp_path / "parameters"
    (pdir / "batches").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "notebooks" / "briefs" / "prefecture.ipynb", tmp_path / "p.ipynb")
    (pdir / "prefecture.yaml").write_text(
        'notebook: p.ipynb\noutput: p-{city}\ntitle: "{city_zh}简报"\n', encoding="utf-8"
    )
    (pdir / "batches" / "c.yaml").write_text(
        "briefs:\n  - brief: prefecture\n    grid: {city: [340600, '640200']}\n", encoding="utf-8"
    )
    runs = load_batch("c", pdir).runs
    assert [(r.name, r.title, r.parameters) for r in runs] == [
        ("p-340600", "淮北市简报", {"city": "340600"}),
        ("p-640200", "石嘴山市简报", {"city": "640200"}),
    ]
    (pdir / "batches" / "c.yaml").write_text(
        "briefs:\n  - brief: prefecture\n    grid: {city: ['340499']}\n", encoding="utf-8"
    )
    with pytest.raises(ParameterError, match="'340499' is not the code of a prefecture-level"):
        load_batch("c", pdir)


def test_the_shipped_batches_list_16_and_333_cities():
    assert len(load_batch("anhui-cities").runs) == 16
    runs = load_batch("china-prefectures").runs
    assert len(runs) == 333 and len({r.name for r in runs}) == 333


def test_yearbook_section_waits_for_the_table_and_shows_it_when_present(tmp_path, monkeypatch):
    monkeypatch.setattr(prefecture, "data_dir", lambda: tmp_path)
    assert prefecture.yearbook_trajectory("340400") is None
    assert "城市统计年鉴数据尚未收录" in prefecture.yearbook_section("340400").data
    (tmp_path / "stats").mkdir()
    rows = [
        ("340400", 2018, "全市", "beds", "医院床位数", "张", 18000.0),
        ("340400", 2019, "全市", "beds", "医院床位数", "张", 18500.0),
        ("340400", 2021, "全市", "beds", "医院床位数", "张", None),  # missing stays missing
        ("340400", 2024, "全市", "beds", "医院床位数", "张", 99999.0),  # outside 2018–2023
        ("340600", 2018, "全市", "beds", "医院床位数", "张", 7000.0),  # another city
    ]
    pd.DataFrame(
        [
            {
                "city_code": c,
                "city_name": "淮南市",
                "province_code": "340000",
                "data_year": y,
                "edition": str(y + 1),
                "scope": s,
                "indicator": i,
                "indicator_zh": z,
                "unit": unit,
                "value": v,
                "table": "2-1",
                "cell": "B5",
            }
            for c, y, s, i, z, unit, v in rows
        ]
    ).to_csv(tmp_path / "stats" / "city_yearbook.csv", index=False)
    t = prefecture.yearbook_trajectory("340400")
    assert t.columns.tolist() == ["指标", "范围", "单位", 2018, 2019, 2020, 2021, 2022, 2023]
    assert t.iloc[0, 3:5].tolist() == [18000.0, 18500.0]
    assert t.iloc[0, 5:].isna().all()


def test_ranking_page_lists_the_batch_cities_with_links_and_sorts(tmp_path):
    manifest = {
        "batch": {"name": "two", "title": "两市<script>"},
        "briefs": [
            {
                "name": "prefecture-340600",
                "notebook": "notebooks/briefs/prefecture.ipynb",
                "parameters": {"city": "340600"},
                "status": "succeeded",
                "products": {"html": "prefecture-340600.html"},
            },
            {
                "name": "prefecture-640200",
                "notebook": "notebooks/briefs/prefecture.ipynb",
                "parameters": {"city": "640200"},
                "status": "failed",
                "products": {},
            },
            {"name": "city", "notebook": "notebooks/briefs/city.ipynb", "parameters": {}},
        ],
    }
    assert ranking.write_for_run(tmp_path, manifest) == "ranking.html"
    page = (tmp_path / "ranking.html").read_text(encoding="utf-8")
    assert '<a href="prefecture-340600.html">淮北市</a>' in page
    assert "石嘴山市 <small>（简报未生成）</small>" in page
    assert "两市&lt;script&gt;" in page and "两市<script>" not in page
    assert page.count("<tr>") == 3  # header + two cities
    assert "aria-sort" in page and "http" not in page.split("<script>")[1]  # no CDN
    table = pf.ranking_table()
    huaibei = table[table["prefecture_code"] == "340600"].iloc[0]
    assert f'data-v="{float(huaibei["overall_rank"]):.6g}"' in page
    assert ranking.write_for_run(tmp_path / "none", {"briefs": manifest["briefs"][2:]}) is None


@pytest.mark.slow
@pytest.mark.parametrize(
    ("city", "name", "units"), [("340600", "淮北市", 4), ("640200", "石嘴山市", 3)]
)
def test_the_brief_runs_for_two_cities_of_two_provinces(tmp_path, city, name, units):
    import papermill

    from huainan.paths import NOTEBOOKS_DIR

    out = tmp_path / f"{city}.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOKS_DIR / "briefs" / "prefecture.ipynb"),
        str(out),
        parameters={"city": city},
        kernel_name="huainan",
        progress_bar=False,
    )
    nb = json.loads(out.read_text(encoding="utf-8"))
    text = json.dumps([c.get("outputs", []) for c in nb["cells"]], ensure_ascii=False)
    assert f"# {name}（" in text and f"共有县级单位 **{units}** 个" in text
    assert text.count("image/png") == 2  # the map and the rank chart
    g = pf.city_gaps(city).set_index("indicator")
    cv = g.at["share_age_65plus" if city == "340600" else "avg_years_schooling", "cv"]
    assert f"{cv:.3f}" in text
    assert "城市统计年鉴数据尚未收录" in text or "2018年" in text
    assert "Traceback" not in text
