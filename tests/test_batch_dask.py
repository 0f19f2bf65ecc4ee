"""Batches on Dask: the embedded LocalCluster and a separately started ``dask scheduler`` +
``dask worker`` on loopback give the same manifests and the same HTML; a failing brief stays
alone; a worker reading other data refuses its briefs; a kernel that fails to start is retried.

The scheduler and worker processes are started here, on free ports of 127.0.0.1, each in its own
session, and stopped by the process ids started (SIGTERM, then SIGKILL for any process of their
trees still running) — never by name.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from huainan.apps.server import free_port
from huainan.briefs import batch

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]

DASK = Path(sys.executable).parent / "dask"
#: Manifest fields that legitimately differ between two runs of the same batch.
VOLATILE = {"started", "finished", "seconds", "worker", "timings", "reused_from", "products"}


def descendants(pid: int) -> set[int]:
    """Every process below ``pid``."""
    try:
        return {c.pid for c in psutil.Process(pid).children(recursive=True)}
    except psutil.NoSuchProcess:
        return set()


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting to be reaped counts as gone)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def stop_by_pid(proc: subprocess.Popen, grace: float = 20) -> None:
    """SIGTERM the process we started; SIGKILL it and whatever it started if still running."""
    tree = descendants(proc.pid)
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(alive(p) for p in tree) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in tree:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def wait_for_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


@pytest.fixture(scope="module")
def project(tmp_path_factory, make_briefs_project):
    return make_briefs_project(tmp_path_factory.mktemp("dask") / "project")


@pytest.fixture(scope="module")
def scheduler(project, tmp_path_factory):
    """``dask scheduler`` + ``dask worker --nworkers 2 --nthreads 1`` on free loopback ports."""
    from distributed import Client

    logs = tmp_path_factory.mktemp("dask-logs")
    port = free_port()
    env = {**os.environ, "HUAINAN_DATA_DIR": str(project / "data")}
    started = []
    try:
        started.append(
            subprocess.Popen(
                [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port)]
                + ["--dashboard-address", f"127.0.0.1:{free_port()}"],
                stdout=open(logs / "scheduler.log", "wb"),  # noqa: SIM115 - closed with the process
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        )
        wait_for_port(port)
        address = f"tcp://127.0.0.1:{port}"
        started.append(
            subprocess.Popen(
                [str(DASK), "worker", address, "--nworkers", "2", "--nthreads", "1"]
                + ["--host", "127.0.0.1", "--no-dashboard"]
                + ["--local-directory", str(logs / "workers")],
                stdout=open(logs / "worker.log", "wb"),  # noqa: SIM115
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        )
        with Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=90)
        yield {"address": address, "pids": [p.pid for p in started]}
    finally:
        trees = {p.pid: descendants(p.pid) for p in started}
        for proc in reversed(started):
            stop_by_pid(proc)
        left = [pid for tree in trees.values() for pid in tree if alive(pid)]
        assert not left, f"processes of the test cluster still running: {left}"


def comparable(manifest: dict) -> list[dict]:
    out = []
    for b in manifest["briefs"]:
        rec = {k: v for k, v in b.items() if k not in VOLATILE}
        rec["product_sha256"] = {"html": b["product_sha256"].get("html")}
        out.append(rec)
    return out


@pytest.fixture(scope="module")
def both_runs(project, scheduler):
    """Batch ``small`` (two notes + a brief that fails) on a LocalCluster and on the cluster."""
    pdir = project / "parameters"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HUAINAN_DATA_DIR", str(project / "data"))
        local = batch.run_batch(
            "small", parameters_dir=pdir, jobs=2, output_dir=project / "local", progress=False
        )
        remote = batch.run_batch(
            "small",
            parameters_dir=pdir,
            output_dir=project / "remote",
            progress=False,
            scheduler=scheduler["address"],
        )
    return local, remote


def test_local_and_scheduler_runs_give_the_same_manifest_and_html(both_runs):
    local, remote = both_runs
    assert local.manifest["scheduler"] == "local"
    assert remote.manifest["scheduler"].startswith("tcp://127.0.0.1:")
    assert remote.manifest["jobs"] == 2  # two worker processes of one thread
    assert comparable(local.manifest) == comparable(remote.manifest)
    for b in local.briefs:
        assert (local.run_dir / f"{b['name']}.html").read_bytes() == (
            remote.run_dir / f"{b['name']}.html"
        ).read_bytes()
    # the briefs ran in the separately started worker processes, not in this one
    pids = {b["worker"]["pid"] for b in remote.briefs}
    assert os.getpid() not in pids and len(pids) >= 1


def test_a_failing_brief_stays_alone_on_the_cluster(both_runs):
    _, remote = both_runs
    status = {b["name"]: b["status"] for b in remote.briefs}
    assert status == {
        "note-health": "succeeded",
        "note-elderly_care": "succeeded",
        "broken": "failed",
    }
    (broken,) = remote.failed
    assert broken["error"] == {
        "cell_index": 4,
        "execution_count": 4,
        "ename": "ValueError",
        "evalue": "故意的错误：housing",
    }
    assert (remote.run_dir / "broken.ipynb").is_file() and (remote.run_dir / "index.html").is_file()


def test_workers_keep_a_warm_kernel_between_briefs(both_runs):
    _, remote = both_runs
    # three briefs on two workers: at least one worker ran two, the second on its warm kernel
    # (no kernel start), and execution counts still start at 1 (the executed notebook shows it)
    timings = [b["timings"] for b in remote.briefs]
    assert all(t["kernel_start"] == 0.0 for t in timings)
    nb = json.loads((remote.run_dir / "note-health.ipynb").read_text(encoding="utf-8"))
    counts = [c["execution_count"] for c in nb["cells"] if c["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1))


def test_a_worker_with_other_data_refuses_its_briefs(project, scheduler, tmp_path):
    other = tmp_path / "other-data"
    shutil.copytree(project / "data", other)
    (other / "counts.txt").write_text("托位 9999 个\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HUAINAN_DATA_DIR", str(other))  # the batch's data; the workers read the old
        result = batch.run_batch(
            "two",
            parameters_dir=project / "parameters",
            output_dir=tmp_path / "out",
            progress=False,
            scheduler=scheduler["address"],
        )
    assert [b["status"] for b in result.briefs] == ["failed", "failed"]
    assert {b["error"]["ename"] for b in result.briefs} == {"DataMismatch"}
    assert "HUAINAN_DATA_DIR" in result.briefs[0]["error"]["evalue"]


def test_an_unreachable_scheduler_is_a_clear_error(project):
    from huainan.errors import BatchError

    with pytest.raises(BatchError, match="cannot reach the Dask scheduler"):
        batch.run_batch(
            "two",
            parameters_dir=project / "parameters",
            output_dir=project / "nowhere",
            progress=False,
            scheduler=f"tcp://127.0.0.1:{free_port()}",
        )


def test_a_kernel_that_fails_to_start_is_retried(briefs_project, tmp_path, monkeypatch):
    # A kernel spec whose first start exits at once (as when two kernels race for a port), then
    # starts normally.
    spec = tmp_path / "jupyter" / "kernels" / "flaky"
    spec.mkdir(parents=True)
    marker = tmp_path / "first-start-failed"
    launcher = tmp_path / "flaky.py"
    launcher.write_text(
        textwrap.dedent(f"""\
        import os, sys
        if not os.path.exists({str(marker)!r}):
            open({str(marker)!r}, "w").close()
            sys.exit(1)
        from ipykernel import kernelapp
        kernelapp.launch_new_instance()
        """),
        encoding="utf-8",
    )
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, str(launcher), "-f", "{connection_file}"],
                "display_name": "flaky",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    result = batch.run_batch(
        "two",
        parameters_dir=briefs_project / "parameters",
        jobs=1,
        kernel_name="flaky",
        output_dir=tmp_path / "out",
        progress=False,
        force=True,
    )
    assert marker.exists()  # the first start did fail
    assert result.ok, result.summary()
    assert max(b["worker"]["kernel_attempts"] for b in result.briefs) == 2
