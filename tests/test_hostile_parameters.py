"""Hostile and careless parameter files (issue 15, item 6): every one ends with a Chinese and
English message and exit code 2 — no hang, no traceback, nothing run, no folder made."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from huainan.briefs import parameter_yaml, parameters
from huainan.cli import app


def run_cli(project, batch_text, *, env=None):
    bad = project / "parameters" / "batches" / "hostile.yaml"
    bad.write_text(batch_text, encoding="utf-8")
    out = project / "outputs"
    result = CliRunner().invoke(app, ["briefs", str(bad), "--output-dir", str(out)], env=env)
    assert not out.exists()  # refused before anything ran
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    return result


# A "billion laughs": nine levels of aliases, each ten times the one before: 10⁹ strings.
BOMB = "\n".join(
    ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    + ["briefs:", "  - brief: note", "    parameters: {note: *a9}"]
)


def test_an_alias_bomb_is_refused_at_once(briefs_project):
    # In a fresh process with a hard timeout: before the fix the parameter check ran for more
    # than 300 s at 100 % CPU (the test then fails on the timeout instead of hanging).
    batch = briefs_project / "parameters" / "batches" / "bomb.yaml"
    batch.write_text(BOMB, encoding="utf-8")
    t0 = time.monotonic()
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from huainan.cli import app; app(prog_name='huainan')",
            "briefs",
            str(batch),
            "-o",
            str(briefs_project / "o"),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert "more than 100 aliases" in proc.stderr or "values once aliases" in proc.stderr
    assert "参数文件有误" in proc.stderr and "Traceback" not in proc.stderr
    assert not (briefs_project / "o").exists()
    assert time.monotonic() - t0 < 30  # the process start and imports dominate


def test_the_bomb_is_refused_by_the_loader_in_well_under_a_second(briefs_project):
    batch = briefs_project / "parameters" / "batches" / "bomb.yaml"
    batch.write_text(BOMB, encoding="utf-8")
    problems = parameter_yaml._Problems()
    t0 = time.monotonic()
    assert parameter_yaml._read_yaml(batch, briefs_project, problems) is None
    assert time.monotonic() - t0 < 1.0
    # 12 aliases per level would pass the alias count; the expanded size stops it then
    few = "\n".join(
        ["a0: &a0 [x, x, x, x, x, x, x, x]"]
        + [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 12)]
    )
    batch.write_text(few, encoding="utf-8")
    problems = parameter_yaml._Problems()
    assert parameter_yaml._read_yaml(batch, briefs_project, problems) is None
    assert "more than 50000 values once aliases are expanded" in problems.items[0]


def test_deep_nesting_and_a_huge_file_are_refused(briefs_project):
    result = run_cli(briefs_project, "briefs: " + "[" * 5000 + "]" * 5000 + "\n")
    assert result.exit_code == 2
    assert "nested deeper than 40 levels" in result.stderr
    result = run_cli(briefs_project, "# " + "x" * 300_000 + "\nbriefs: [note]\n")
    assert result.exit_code == 2 and "larger than 256 KB" in result.stderr


def test_control_characters_are_a_message_not_a_traceback(briefs_project):
    result = run_cli(briefs_project, "title: x\x00\nbriefs: [note]\n")
    assert result.exit_code == 2, result.output
    assert "invalid YAML: unacceptable character #x0000" in result.stderr
    assert "Traceback" not in result.output + result.stderr


@pytest.mark.parametrize(
    "tag",
    ["!!python/object/apply:os.system ['echo pwned']", "!!python/name:os.system", "!!binary aGk="],
)
def test_python_and_other_tags_are_refused_with_a_message(briefs_project, tag):
    result = run_cli(
        briefs_project, f"briefs:\n  - brief: note\n    parameters:\n      note: {tag}\n"
    )
    assert result.exit_code == 2, result.output
    assert "is not allowed (only plain text, numbers" in result.stderr
    assert "hostile.yaml line 4" in result.stderr
    assert "错误" in result.stderr and "error" in result.stderr


@pytest.mark.parametrize(
    ("output", "why"),
    [
        ("x{domain:>300000000}", "has a format spec"),
        ("x{domain.__class__}", "attribute or index access is not allowed"),
        ("x{regions[0]}", "attribute or index access is not allowed"),
        ("x{domain!r}", "has a conversion"),
        ("x{nosuch}", "unknown name"),
    ],
)
def test_output_templates_take_plain_fields_only(briefs_project, output, why):
    result = run_cli(
        briefs_project,
        f'briefs:\n  - brief: note\n    output: "{output}"\n    grid: {{domain: [health]}}\n',
    )
    assert result.exit_code == 2, result.output
    assert why in result.stderr


def test_a_bad_output_template_is_listed_with_bad_values(briefs_project):
    result = run_cli(
        briefs_project,
        'briefs:\n  - brief: note\n    output: "x{domain.__class__}"\n'
        "    grid: {domain: [health]}\n    parameters: {year: abc}\n",
    )
    assert result.exit_code == 2, result.output
    # both problems at once: the template (whatever the values) and the value
    assert "attribute or index access is not allowed" in result.stderr
    assert "'abc'" in result.stderr


def test_a_long_output_name_is_refused(briefs_project):
    result = run_cli(
        briefs_project,
        "briefs:\n  - brief: note\n    output: " + "长" * 80 + "-{domain}\n"
        "    grid: {domain: [health]}\n",
    )
    assert result.exit_code == 2 and "longer than 200 bytes" in result.stderr


def test_a_plain_template_still_works():
    assert parameters.fill_template(
        "{domain_zh}（{year}年）", {"domain_zh": "病有所医", "year": 2025}
    ) == ("病有所医（2025年）")


@pytest.mark.parametrize("kind", ["missing", "not-data"])
def test_a_mistyped_data_dir_is_a_message_not_a_traceback(briefs_project, tmp_path, kind):
    folder = tmp_path / "数据-typo"
    if kind == "not-data":
        folder.mkdir()
    result = run_cli(briefs_project, "briefs: [note]\n", env={"HUAINAN_DATA_DIR": str(folder)})
    assert result.exit_code == 2, result.output
    assert str(folder) in result.stderr and "HUAINAN_DATA_DIR" in result.stderr
    assert ("数据目录不存在" if kind == "missing" else "数据目录不完整") in result.stderr


def test_a_new_title_is_not_hidden_by_reuse(tmp_path):
    # issue 15: a brief reused from an earlier run kept its old title on index.html. The title
    # is written into the HTML, so a new title makes a new key (the brief is rerun) ...
    from pathlib import Path

    from huainan.briefs import batch
    from huainan.briefs.parameters import Batch, BriefRun

    nb = Path(__file__).parent / "assets" / "briefs_project" / "notebooks" / "note.ipynb"
    spec = Batch(name="b", path=nb, root=nb.parent.parent, runs=())
    shared = {"data": "d", "package": "p"}
    old = batch._record(
        BriefRun("n", "note", nb, {"domain": "health"}, "旧标题"), spec, shared, "k"
    )
    new = batch._record(
        BriefRun("n", "note", nb, {"domain": "health"}, "新标题"), spec, shared, "k"
    )
    assert old["key"] != new["key"]
    # ... and a reused record takes the batch's current title, not the old run's
    run_dir = tmp_path / "old"
    run_dir.mkdir()
    (run_dir / "n.html").write_text("<p>x</p>", encoding="utf-8")
    (run_dir / "n.ipynb").write_text("{}", encoding="utf-8")
    earlier = {
        "status": "succeeded",
        "title": "旧标题",
        "products": {"html": "n.html", "notebook": "n.ipynb"},
        "product_sha256": {
            "html": batch.file_sha256(run_dir / "n.html"),
            "notebook": batch.file_sha256(run_dir / "n.ipynb"),
        },
    }
    (tmp_path / "new").mkdir()
    assert batch._reuse(new, (run_dir, earlier), tmp_path / "new")
    assert new["status"] == "reused" and new["title"] == "新标题"
