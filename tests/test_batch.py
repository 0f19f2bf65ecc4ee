"""The batch runner end to end: real papermill runs on the kernel ``huainan``, on Dask workers.

The tiny project in ``tests/assets/briefs_project`` has a brief ``note`` (a grid over two domains)
and a brief ``broken`` that raises in its fourth cell. Reuse is checked through the manifest's
hashes and ``reused`` status, never through timing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import nbformat
import psutil
import pytest
from typer.testing import CliRunner

from huainan.briefs import batch, publish
from huainan.cli import app
from huainan.errors import BatchError, ParameterError

LEAKS = (
    "Traceback",
    "code_marker_7f3a",
    "stderr_marker_91c2",
    "never_printed_marker",
    "An Exception was encountered",
)


def by_name(manifest):
    return {b["name"]: b for b in manifest["briefs"]}


# ---- fingerprints (fast) ---------------------------------------------------------------------


def test_tree_sha256_sees_paths_and_contents_not_hidden_files(tmp_path):
    (tmp_path / "stats").mkdir()
    (tmp_path / "stats" / "a.csv").write_text("1", encoding="utf-8")
    first = batch.tree_sha256(tmp_path)
    (tmp_path / ".cache").write_text("ignored", encoding="utf-8")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "x.pyc").write_bytes(b"ignored")
    assert batch.tree_sha256(tmp_path) == first
    (tmp_path / "stats" / "a.csv").rename(tmp_path / "stats" / "b.csv")  # same bytes, new name
    assert batch.tree_sha256(tmp_path) != first
    assert batch.tree_sha256(tmp_path, (".py",)) == batch.tree_sha256(tmp_path / "none")


def test_package_fingerprint_sees_modules_and_the_brief_template_not_caches_or_backups(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "briefs" / "templates" / "brief").mkdir(parents=True)
    (pkg / "a.py").write_text("A = 1\n", encoding="utf-8")
    (pkg / "sub" / "b.py").write_text("B = 2\n", encoding="utf-8")
    (pkg / "briefs" / "templates" / "brief" / "index.html.j2").write_text(
        "{{ x }}", encoding="utf-8"
    )
    first = batch.package_sha256(pkg)
    junk = [
        "__pycache__/a.cpython-311.pyc",
        "a.pyc",
        "a.py~",
        "#a.py#",
        ".#a.py",
        ".a.py.swp",
        "a.py.orig",
        "a.py.bak",
        "a copy.py",
        "flycheck_a.py",
        "sub/__pycache__/b.pyc",
        "apps/templates/voila/page.html",
        "notes.txt",
        ".idea/workspace.xml",
    ]
    for rel in junk:
        (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
        (pkg / rel).write_text("A = 999\n", encoding="utf-8")
    assert batch.package_sha256(pkg) == first
    (pkg / "briefs" / "templates" / "brief" / "index.html.j2").write_text(
        "{{ y }}", encoding="utf-8"
    )
    second = batch.package_sha256(pkg)
    assert second != first  # the HTML template makes the briefs: they must rerun
    (pkg / "sub" / "b.py").write_text("B = 3\n", encoding="utf-8")
    assert batch.package_sha256(pkg) != second


def test_brief_key_changes_with_each_input():
    hashes = {"notebook": "n", "parameters": "p", "data": "d", "package": "k"}
    key = batch.brief_key(hashes, "huainan")
    for part in hashes:
        assert batch.brief_key({**hashes, part: "changed"}, "huainan") != key
    assert batch.brief_key(hashes, "python3") != key


def test_a_product_edited_after_its_run_is_not_reused(tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    (old / "b.html").write_text("<p>原文</p>", encoding="utf-8")
    (old / "b.ipynb").write_text("{}", encoding="utf-8")
    record = {
        "status": "succeeded",
        "products": {"html": "b.html", "notebook": "b.ipynb"},
        "product_sha256": {
            "html": batch.file_sha256(old / "b.html"),
            "notebook": batch.file_sha256(old / "b.ipynb"),
        },
    }
    new = tmp_path / "new"
    new.mkdir()
    (old / "b.html").write_text("<p>改过</p>", encoding="utf-8")
    rec = {"name": "b"}
    assert batch._reuse(rec, (old, record), new) is False
    assert list(new.iterdir()) == []


# ---- validation happens before anything runs (fast) ------------------------------------------


def test_invalid_batch_exits_2_and_creates_nothing(briefs_project):
    bad = briefs_project / "parameters" / "batches" / "bad.yaml"
    bad.write_text("briefs:\n  - brief: broken\n    parameters: {domain: 住房}\n", encoding="utf-8")
    out = briefs_project / "outputs"
    result = CliRunner().invoke(app, ["briefs", str(bad), "--output-dir", str(out)])
    assert result.exit_code == 2
    assert (
        "parameters/batches/bad.yaml line 3 (brief 'broken', parameter 'domain')" in result.stderr
    )
    assert "unknown domain id '住房'" in result.stderr
    assert not out.exists()


def test_a_single_region_is_refused_before_anything_runs(briefs_project):
    # note.ipynb's regions are compared like domain.ipynb's (briefing.select_units needs two)
    bad = briefs_project / "parameters" / "batches" / "one-region.yaml"
    bad.write_text(
        "briefs:\n  - brief: note\n    parameters: {regions: [340421]}\n", encoding="utf-8"
    )
    out = briefs_project / "outputs"
    result = CliRunner().invoke(app, ["briefs", str(bad), "--output-dir", str(out)])
    assert result.exit_code == 2
    assert (
        "parameters/batches/one-region.yaml line 3 (brief 'note', parameter 'regions'): "
        "'regions' needs at least two distinct units to compare"
    ) in result.stderr
    assert not out.exists()


def test_missing_kernel_is_refused_before_running(briefs_project):
    with pytest.raises(BatchError, match="kernel 'no-such-kernel' is not registered"):
        batch.run_batch(
            "two",
            parameters_dir=briefs_project / "parameters",
            kernel_name="no-such-kernel",
            progress=False,
        )
    assert not (briefs_project / "outputs").exists()
    with pytest.raises(ParameterError, match="unknown batch"):
        batch.run_batch("annual-typo", parameters_dir=briefs_project / "parameters")


# ---- one real batch with a failing brief, into a non-ASCII folder (slow) ----------------------


@pytest.fixture(scope="module")
def small_run(tmp_path_factory, make_briefs_project):
    """Run batch ``small`` (note × 2 domains + broken) once with the CLI, --jobs 2, into 输出/."""
    root = make_briefs_project(tmp_path_factory.mktemp("batch") / "project")
    out = root.parent / "输出"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HUAINAN_DATA_DIR", str(root / "data"))
        result = CliRunner().invoke(
            app,
            [
                "briefs",
                str(root / "parameters" / "batches" / "small.yaml"),
                "--output-dir",
                str(out),
                "--jobs",
                "2",
            ],
        )
    runs = [d for d in out.iterdir() if not d.name.startswith("latest")]
    assert len(runs) == 1, result.output
    manifest = json.loads((runs[0] / "manifest.json").read_text(encoding="utf-8"))
    return {"root": root, "out": out, "run_dir": runs[0], "result": result, "manifest": manifest}


@pytest.mark.slow
def test_failure_gives_exit_1_and_a_summary_naming_brief_cell_and_error(small_run):
    result = small_run["result"]
    assert result.exit_code == 1
    assert "batch small: 3 briefs — 2 succeeded, 1 failed" in result.stdout
    # broken.ipynb: markdown 0, parameters 1, injected-parameters 2, print 3, raise 4
    assert (
        "FAILED broken (parameters/batches/small.yaml line 4 (brief 'broken')): "
        "cell 4 (In [4]): ValueError: 故意的错误：housing"
    ) in result.stdout
    assert "executed notebook kept" in result.stdout


@pytest.mark.slow
def test_failure_is_isolated_and_recorded(small_run):
    m, run_dir = small_run["manifest"], small_run["run_dir"]
    briefs = by_name(m)
    assert {n: b["status"] for n, b in briefs.items()} == {
        "note-health": "succeeded",
        "note-elderly_care": "succeeded",
        "broken": "failed",
    }
    assert m["status"] == "failed" and m["counts"] == {
        "succeeded": 2,
        "reused": 0,
        "failed": 1,
        "interrupted": 0,
    }
    assert briefs["broken"]["error"] == {
        "cell_index": 4,
        "execution_count": 4,
        "ename": "ValueError",
        "evalue": "故意的错误：housing",
    }
    kept = nbformat.read(run_dir / "broken.ipynb", as_version=4)
    errors = [
        o
        for c in kept.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]
    assert [(e.ename, e.evalue) for e in errors] == [("ValueError", "故意的错误：housing")]
    assert briefs["note-health"]["error"] is None


@pytest.mark.slow
def test_executed_notebooks_got_the_typed_parameters(small_run):
    nb = nbformat.read(small_run["run_dir"] / "note-health.ipynb", as_version=4)
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    # regions [340402, 340404] → 大通区, 谢家集区; serial 0101 stayed the str "0101"
    assert "地区： 大通区、谢家集区" in text
    assert "编号： 0101 str" in text
    assert nb.metadata["kernelspec"]["name"] == "huainan"


@pytest.mark.slow
def test_html_briefs_are_code_free_and_without_tracebacks(small_run):
    run_dir = small_run["run_dir"]
    pages = {p.stem: p.read_text(encoding="utf-8") for p in run_dir.glob("*.html")}
    assert set(pages) == {"index", "note-health", "note-elderly_care", "broken"}
    for name, page in pages.items():
        for leak in LEAKS:
            assert leak not in page, (name, leak)
    assert "<title>病有所医简报（2024年）</title>" in pages["note-health"]
    assert "地区： 大通区、谢家集区" in pages["note-elderly_care"]
    assert "第一步完成" in pages["broken"]
    assert publish.ERROR_NOTE in pages["broken"] and "本简报未能完整生成" in pages["broken"]


@pytest.mark.slow
def test_index_manifest_and_latest_in_a_non_ascii_folder(small_run):
    out, run_dir, m = small_run["out"], small_run["run_dir"], small_run["manifest"]
    assert out.name == "输出"
    # a batch other than the default one names its run latest-<batch>; latest stays the
    # default batch's (a bookmark never changes meaning)
    assert (out / "latest-small").resolve() == run_dir.resolve()
    assert not (out / "latest").exists()
    assert m["run_id"] == run_dir.name
    stamp, digest = m["run_id"].split("-")
    assert len(stamp) == len("20250414T083012Z") and len(digest) == 8
    index = (run_dir / "index.html").read_text(encoding="utf-8")
    for b in m["briefs"]:
        assert f'<a href="{b["name"]}.html">' in index
        assert (run_dir / b["products"]["html"]).is_file()
        assert (run_dir / b["products"]["notebook"]).is_file()
    assert "老有所养简报（2024年）" in index and "失败" in index
    raw = (run_dir / "manifest.json").read_text(encoding="utf-8")
    assert "故意的错误" in raw  # UTF-8, not \\u escapes


@pytest.mark.slow
def test_manifest_hashes_are_those_of_the_inputs(small_run):
    root, m = small_run["root"], small_run["manifest"]
    health = by_name(m)["note-health"]
    assert health["hashes"]["notebook"] == batch.file_sha256(root / "notebooks" / "note.ipynb")
    assert health["hashes"]["parameters"] == batch.parameters_sha256(health["parameters"])
    assert health["hashes"]["data"] == batch.tree_sha256(root / "data") == m["hashes"]["data"]
    assert health["key"] == batch.brief_key(health["hashes"], "huainan")
    assert health["product_sha256"]["html"] == batch.file_sha256(
        small_run["run_dir"] / "note-health.html"
    )
    assert m["kernel"] == "huainan" and m["jobs"] == 2 and m["huainan_version"]
    assert m["batch"]["file"] == "parameters/batches/small.yaml"


# ---- incremental reuse, decided by hashes (slow) ---------------------------------------------


@pytest.mark.slow
def test_unchanged_briefs_are_reused_changed_ones_rerun(briefs_project, monkeypatch):
    # Other work on the package must not change the key while this test runs.
    monkeypatch.setattr(batch, "package_sha256", lambda: "package-v1")
    pdir, out = briefs_project / "parameters", briefs_project / "outputs"

    def run(**kw):
        result = batch.run_batch("two", parameters_dir=pdir, jobs=2, progress=False, **kw)
        return result, by_name(result.manifest)

    first, b1 = run()
    assert first.ok and [b["status"] for b in b1.values()] == ["succeeded", "succeeded"]

    second, b2 = run()
    assert [b["status"] for b in b2.values()] == ["reused", "reused"]
    for name in b2:
        assert b2[name]["key"] == b1[name]["key"]
        assert b2[name]["reused_from"] == first.run_id
        assert (second.run_dir / f"{name}.html").read_bytes() == (
            first.run_dir / f"{name}.html"
        ).read_bytes()
    assert (out / "latest-two").resolve() == second.run_dir.resolve()

    # change one brief's parameter: only that brief runs again
    (pdir / "batches" / "two.yaml").write_text(
        textwrap.dedent("""\
        briefs:
          - brief: note
            grid: {domain: [health]}
          - brief: note
            grid: {domain: [elderly_care]}
            parameters: {year: 2023}
        """),
        encoding="utf-8",
    )
    third, b3 = run()
    assert b3["note-health"]["status"] == "reused"
    assert b3["note-elderly_care"]["status"] == "succeeded"
    assert (
        b3["note-elderly_care"]["hashes"]["parameters"]
        != b1["note-elderly_care"]["hashes"]["parameters"]
    )
    assert "老有所养简报（2023年）" in (third.run_dir / "note-elderly_care.html").read_text(
        encoding="utf-8"
    )

    # --force runs everything although nothing changed
    fourth, b4 = run(force=True)
    assert [b["status"] for b in b4.values()] == ["succeeded", "succeeded"]
    assert b4["note-health"]["key"] == b3["note-health"]["key"]

    # a change in the input data reruns every brief
    (briefs_project / "data" / "counts.txt").write_text("托位 1300 个\n", encoding="utf-8")
    fifth, b5 = run()
    assert [b["status"] for b in b5.values()] == ["succeeded", "succeeded"]
    assert b5["note-health"]["hashes"]["data"] != b4["note-health"]["hashes"]["data"]
    assert "托位 1300 个" in (fifth.run_dir / "note-health.html").read_text(encoding="utf-8")

    # and a change in the package source reruns them too (nothing else changed)
    monkeypatch.setattr(batch, "package_sha256", lambda: "package-v2")
    sixth, b6 = run()
    assert [b["status"] for b in b6.values()] == ["succeeded", "succeeded"]
    assert len({d.name for d in out.iterdir()}) == 7  # six runs + latest-two


@pytest.mark.slow
def test_a_brief_past_its_deadline_is_stopped_and_reported(briefs_project):
    result = batch.run_batch(
        "sleepy", parameters_dir=briefs_project / "parameters", timeout=3, progress=False
    )
    (sleepy,) = result.briefs
    assert sleepy["status"] == "failed"
    # sleepy.ipynb: parameters 0, print 1, time.sleep(60) 2 (no parameters injected)
    assert sleepy["error"]["cell_index"] == 2 and sleepy["error"]["execution_count"] == 3
    assert sleepy["error"]["ename"] == "CellTimeoutError"
    assert sleepy["seconds"] < 60  # the 60 s sleep was cut short
    assert "开始" in (result.run_dir / "sleepy.html").read_text(encoding="utf-8")
    assert os.path.getsize(result.run_dir / "logs" / "sleepy.log") > 0


def test_cli_help_states_the_default_timeout():
    result = CliRunner().invoke(app, ["briefs", "--help"])
    assert result.exit_code == 0
    assert f"(default: {batch.DEFAULT_TIMEOUT:g})" in result.stdout


# ---- a worker that dies, and stopping a batch with a signal (slow) ---------------------------


@pytest.mark.slow
def test_a_worker_that_dies_fails_its_brief_only_and_is_replaced(briefs_project):
    # The kernel's parent is the worker: killing it is a worker dying mid-brief.
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("how = 'kill'", metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"),
        ]
    )
    nbformat.write(nb, briefs_project / "notebooks" / "fatal.ipynb")
    (briefs_project / "parameters" / "fatal.yaml").write_text(
        "notebook: notebooks/fatal.ipynb\n", encoding="utf-8"
    )
    (briefs_project / "parameters" / "batches" / "fatal.yaml").write_text(
        "briefs:\n  - fatal\n  - brief: note\n    grid: {domain: [health]}\n", encoding="utf-8"
    )
    result = batch.run_batch(
        "fatal", parameters_dir=briefs_project / "parameters", jobs=1, progress=False
    )
    briefs = by_name(result.manifest)
    assert briefs["fatal"]["status"] == "failed"
    assert briefs["fatal"]["error"]["ename"] == "WorkerDied"
    assert "ended unexpectedly" in briefs["fatal"]["error"]["evalue"]
    assert briefs["note-health"]["status"] == "succeeded"  # run by a fresh worker
    assert result.manifest["status"] == "failed" and not result.ok


STOPPABLE = """\
briefs:
  - brief: note
    grid: {domain: [health]}
  - brief: sleepy
    output: sleepy-1
    parameters: {seconds: 600}
  - brief: sleepy
    output: sleepy-2
    parameters: {seconds: 600}
  - brief: sleepy
    output: sleepy-3
    parameters: {seconds: 600}
"""


def descendants(pid: int) -> dict[int, int]:
    """Every process below ``pid``: pid → depth (1 = child)."""
    found: dict[int, int] = {}
    level, depth = [pid], 0
    while level:
        depth += 1
        below = []
        for p in level:
            try:
                below += [c.pid for c in psutil.Process(p).children() if c.pid not in found]
            except psutil.NoSuchProcess:
                continue  # gone meanwhile
        found.update(dict.fromkeys(below, depth))
        level = below
    return found


def running(pids) -> set[int]:
    """The pids still running (a zombie waiting for its parent to reap it counts as gone)."""
    out = set()
    for p in pids:
        try:
            if psutil.Process(p).status() != psutil.STATUS_ZOMBIE:
                out.add(p)
        except psutil.NoSuchProcess:
            continue
    return out


def wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.1)


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize(
    ("signum", "whole_group", "exit_code"),
    [
        (signal.SIGTERM, False, 143),  # kill -TERM <pid>, timeout(1): the batch process only
        (signal.SIGTERM, True, 143),  # systemctl stop: every process of the unit at once
        (signal.SIGINT, True, 130),  # Ctrl-C in a terminal: the foreground process group
        (signal.SIGKILL, False, -9),  # killed outright: the workers still stop their kernels
    ],
    ids=["term", "term-group", "ctrl-c", "kill"],
)
def test_a_signal_stops_workers_and_kernels_and_keeps_what_finished(
    briefs_project, signum, whole_group, exit_code
):
    out = briefs_project / "outputs"
    complete = out / "20250101T000000Z-00000000"  # stands for the last complete run
    complete.mkdir(parents=True)
    os.symlink(complete.name, out / "latest-stoppable")
    batch_file = briefs_project / "parameters" / "batches" / "stoppable.yaml"
    batch_file.write_text(STOPPABLE, encoding="utf-8")
    tmp = briefs_project / "tmp"  # the workers' temporary folders go here
    tmp.mkdir()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from huainan.cli import app; app(prog_name='huainan')",
            "briefs",
            str(batch_file),
            "--output-dir",
            str(out),
            "--jobs",
            "2",
        ],
        env={**os.environ, "TMPDIR": str(tmp)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        start_new_session=True,
    )  # its own process group, as a service or a terminal job has
    tree: dict[int, int] = {}
    try:

        def both_sleepy_briefs_running():
            # note-health is done and both workers run a sleepy brief (papermill has written
            # their notebooks in the workers' temporary folders)
            d = next((d for d in out.iterdir() if d.name.startswith("2") and d != complete), None)
            started = {p.stem for p in tmp.glob("huainan-worker-*/sleepy-*/sleepy-*.ipynb")}
            return d is not None and (d / "note-health.html").exists() and len(started) == 2

        wait_until(both_sleepy_briefs_running, 120, "two workers running sleepy briefs")
        time.sleep(0.5)
        tree = descendants(proc.pid)  # 2 worker processes (+ helpers), 2 kernels below them
        assert sorted(tree.values()).count(2) == 2, tree
        if whole_group:
            os.killpg(proc.pid, signum)  # the group this test made, nothing else
        else:
            os.kill(proc.pid, signum)
        stdout, stderr = proc.communicate(timeout=batch.STOP_GRACE + 25)
        wait_until(lambda: not running(tree), 5, f"processes {running(tree)} to end")
    finally:
        for pid in running([proc.pid, *tree]):  # only if the test failed: clean up by PID
            os.kill(pid, signal.SIGKILL)
        proc.wait(timeout=10)
    assert proc.returncode == exit_code, stderr
    assert (out / "latest-stoppable").resolve() == complete.resolve()  # the last complete run
    (this_run,) = [d for d in out.iterdir() if d.name.startswith("2") and d != complete]
    if signum == signal.SIGKILL:
        assert not (this_run / "manifest.json").exists()  # nothing could write it
        return
    manifest = json.loads((this_run / "manifest.json").read_text(encoding="utf-8"))
    name = signal.Signals(signum).name
    assert manifest["status"] == "interrupted" and manifest["interrupted_by"] == name
    assert manifest["counts"] == {"succeeded": 1, "reused": 0, "failed": 0, "interrupted": 3}
    briefs = by_name(manifest)
    assert briefs["note-health"]["status"] == "succeeded"
    assert (this_run / "note-health.html").is_file()
    for running_brief in ("sleepy-1", "sleepy-2"):
        b = briefs[running_brief]
        assert b["status"] == "interrupted" and b["started"] and b["finished"]
        assert "html" not in b["products"] and not (this_run / f"{running_brief}.html").exists()
        nb = json.loads((this_run / b["products"]["notebook"]).read_text(encoding="utf-8"))
        assert nb["cells"]  # the partial notebook papermill saved is whole JSON
    assert briefs["sleepy-3"]["status"] == "interrupted"
    assert briefs["sleepy-3"]["started"] is None and briefs["sleepy-3"]["products"] == {}
    index = (this_run / "index.html").read_text(encoding="utf-8")
    assert f"本次运行被中止（{name}）" in index and index.count("中断（未完成）") == 3
    assert f"INTERRUPTED by {name}, not finished: sleepy-1, sleepy-2, sleepy-3" in stdout
    assert f"stopped: batch stoppable stopped by {name}" in stderr
    # what finished is reused by the next run, what was interrupted is not
    assert batch._previous_products(out).keys() == {briefs["note-health"]["key"]}
