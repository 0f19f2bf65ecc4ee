"""The 报送 (upload) page without a browser: check, read-only mode, the secret, confirmations."""

from __future__ import annotations

from pathlib import Path

import pytest

from huainan.apps import upload
from huainan.evidence import monitoring

CSV = (
    "区划代码,地区,指标,年份,数值,单位\n"
    "340400,淮南市,人均预期寿命,2023,78.3,岁\n"
    "340400,淮南市,每千人口执业(助理)医师数,2023,412,人\n"
).encode()
SECRET = "correct horse battery staple"


@pytest.fixture
def token_file(tmp_path, monkeypatch):
    f = tmp_path / "token"
    f.write_text(SECRET + "\n", encoding="utf-8")
    f.chmod(0o600)
    monkeypatch.setenv(upload.TOKEN_ENV, str(f))
    return f


def _store(tmp_path: Path) -> Path:
    store = tmp_path / "store"
    store.mkdir()
    return store


def test_read_only_without_a_token(tmp_path, monkeypatch):
    monkeypatch.delenv(upload.TOKEN_ENV, raising=False)
    app = upload.UploadApp(_store(tmp_path))
    app.accept("县区报表.csv", CSV)
    assert "需确认的数值" in app.status.value and "412" in app.status.value
    assert not app.confirm.disabled  # the file can be stored, by whoever holds the secret
    assert app.ingest(SECRET) is False and "只能检查、不能入库" in app.result.value
    assert monitoring.observations(store=app.store).empty


def test_the_secret_and_the_reasons_are_required(tmp_path, token_file):
    app = upload.UploadApp(_store(tmp_path))
    app.who.value = "寿县卫健委 王五"
    app.accept("县区报表.csv", CSV)
    assert app.ingest("wrong") is False and "口令不正确" in app.result.value
    assert app.ingest(SECRET) is False and "需填写确认理由" in app.result.value
    app.reasons.children[0].value = "核实：412为医师总数，已改正前的测试"
    assert app.ingest(SECRET) is True and "已入库：新增 2 个" in app.result.value
    obs = monitoring.observations(store=app.store, provenance=True).set_index("indicator")
    assert obs.at["physicians_per_1000", "confirmation"].startswith("核实：412")
    assert obs.at["life_expectancy", "ingested_by"] == "寿县卫健委 王五（报送页面）"
    assert obs.at["life_expectancy", "source_file"] == "县区报表.csv"
    assert (
        monitoring.kept_file(obs.at["life_expectancy", "source_sha256"], app.store).read_bytes()
        == CSV
    )
    assert "部门监测数据更新于" in app.stamp.value


def test_problems_are_listed_and_block_the_ingest(tmp_path, token_file):
    app = upload.UploadApp(_store(tmp_path))
    app.accept(
        "bad.csv",
        "区划代码,地区,指标,年份,数值,单位\n340400,淮南市,人均预期寿命,2023,7.8³,岁\n".encode(),
    )
    assert "发现 1 处问题" in app.status.value and "脚注标记" in app.status.value
    assert app.confirm.disabled


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.exe", b"MZ", "只接受 .xlsx、.xls 或 .csv 文件"),
        ("big.csv", b"0" * (upload.MAX_UPLOAD_BYTES + 1), "文件过大"),
        ("page.xls", b"<html><table></table></html>", "网页（HTML）"),
        ("<script>.csv", b"<script>alert(1)</script>", "无法读取此文件"),
    ],
)
def test_types_sizes_and_hostile_names_are_refused_escaped(
    tmp_path, token_file, name, content, message
):
    app = upload.UploadApp(_store(tmp_path))
    app.accept(name, content)
    assert message in app.status.value and "<script>" not in app.status.value


def test_a_token_file_readable_by_others_is_refused(tmp_path):
    f = tmp_path / "t"
    f.write_text(SECRET, encoding="utf-8")
    f.chmod(0o644)
    with pytest.raises(ValueError, match="chmod 600"):
        upload.read_token(f)
    f.chmod(0o600)
    assert upload.read_token(f) == SECRET


def test_the_monitor_marks_a_revised_value(tmp_path):
    from huainan.evidence.monitoring import revision_sentences
    from huainan.intake.ingest import ingest

    store = _store(tmp_path)
    for value, name in ((78.1, "a.csv"), (78.3, "b.csv")):
        src = tmp_path / name
        src.write_text(
            f"区划代码,地区,指标,年份,数值,单位\n340400,淮南市,人均预期寿命,2023,{value},岁\n",
            encoding="utf-8",
        )
        ingest(src, store=store)
    used = monitoring.observations(store=store)
    [note] = revision_sentences(used, store=store)
    assert note.startswith("已修订：2023年数值共报送2次，首次报送为78.1，现为78.3")
