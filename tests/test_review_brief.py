"""The 十三五 review brief runs top to bottom under Papermill and exports to a code-free HTML."""

import nbformat
import papermill as pm
import pytest
from nbconvert import HTMLExporter

from huainan.paths import KERNEL_NAME, NOTEBOOKS_DIR

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "params,expect",
    [
        ({}, ["26 项指标中，24 项已完成，2 项未完成（其中 2 项为临界", "基本养老保险参保率"]),
        (
            {"domain": "health", "lang": "en"},
            ["Of 6 indicators: 5 met the 2020 target, 1 not met (1 borderline"],
        ),
    ],
)
def test_review_runs_and_exports_code_free_html(tmp_path, params, expect):
    out = tmp_path / "review_13th.ipynb"
    pm.execute_notebook(
        NOTEBOOKS_DIR / "briefs" / "review_13th.ipynb",
        out,
        parameters=params,
        kernel_name=KERNEL_NAME,
        cwd=tmp_path,
        progress_bar=False,
    )
    nb = nbformat.read(out, as_version=4)
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error" or o.get("name") == "stderr"
    ]
    assert errors == []
    images = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "image/png" in o.get("data", {})
    ]
    assert len(images) == 1  # the chart, drawn once
    html, _ = HTMLExporter(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    ).from_notebook_node(nb)
    for text in expect:
        assert text in html
    assert "import huainan" not in html and "from huainan" not in html
