"""Committed notebooks: no outputs, briefs keep their `parameters` tag, each notebook names the kernel."""

import json

import pytest

from huainan.paths import NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.rglob("*.ipynb"))
BRIEFS = [p for p in NOTEBOOKS if p.parent.name == "briefs"]


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_there_are_briefs():
    assert any(p.name == "review_13th.ipynb" for p in BRIEFS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(NOTEBOOKS_DIR)))
def test_committed_without_outputs(path):
    for i, cell in enumerate(_load(path)["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"cell {i} has outputs"
            assert cell.get("execution_count") is None, f"cell {i} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(NOTEBOOKS_DIR)))
def test_names_the_project_kernel(path):
    assert _load(path)["metadata"]["kernelspec"]["name"] == "huainan"


@pytest.mark.parametrize("path", BRIEFS, ids=lambda p: p.name)
def test_brief_has_exactly_one_parameters_cell(path):
    tagged = [c for c in _load(path)["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1
    assert tagged[0]["cell_type"] == "code"
