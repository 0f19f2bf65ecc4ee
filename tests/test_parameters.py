"""Brief/batch YAML and parameter validation against the notebooks (no notebook is executed)."""

from __future__ import annotations

import textwrap

import nbformat
import pytest

from huainan.briefs.parameters import load_batch, notebook_parameters, resolve_batch_path
from huainan.errors import ParameterError


def write_batch(project, text, name="bad"):
    path = project / "parameters" / "batches" / f"{name}.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(project, text):
    with pytest.raises(ParameterError) as info:
        load_batch(write_batch(project, text))
    return str(info.value)


def write_parameters_notebook(path, source):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = ["parameters"]
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    return path


# ---- the notebook side ----------------------------------------------------------------------


def test_notebook_parameters_reads_types_items_and_choices(briefs_project):
    params = notebook_parameters(briefs_project / "notebooks" / "note.ipynb")
    assert list(params) == [
        "domain",
        "year",
        "regions",
        "comparison",
        "serial",
        "lang",
        "ratio",
        "show_map",
        "note",
    ]
    kinds = {name: p.kind for name, p in params.items()}
    assert kinds == {
        "domain": str,
        "year": int,
        "regions": list,
        "comparison": str,
        "serial": str,
        "lang": str,
        "ratio": float,
        "show_map": bool,
        "note": None,
    }
    assert params["regions"].item_kind is str  # default ["340402", "340403"]
    assert params["comparison"].choices == ("anhui", "china")  # "# one of: anhui, china"
    assert params["lang"].default == '"zh"'  # annotated `lang: str = "zh"`


@pytest.mark.parametrize(
    ("comment", "choices"),
    [
        ("one of: anhui, china", ("anhui", "china")),
        ("可选：zh, en（中文/English）", ("zh", "en")),
        ("choices: a/b/c; the rest is a remark", ("a", "b", "c")),
        ("a plain remark", None),
    ],
)
def test_choices_from_the_trailing_comment(tmp_path, comment, choices):
    default = choices[0] if choices else "zh"  # a default must be one of its own choices
    path = write_parameters_notebook(tmp_path / "n.ipynb", f'lang = "{default}"  # {comment}')
    assert notebook_parameters(path)["lang"].choices == choices


@pytest.mark.parametrize(
    ("source", "choices"),
    [
        # the brief notebooks' `year` line: the choices are ints, as the parameter is
        (
            "year = 2025  # 评估年份（2023 中期评估）可选：2021, 2022, 2023, 2024, 2025",
            (2021, 2022, 2023, 2024, 2025),
        ),
        ("ratio = 0.5  # one of: 0.5, 1", (0.5, 1.0)),
        ("show = True  # one of: true, false", (True, False)),
        ("labels = ['zh']  # 可选：zh、en", ("zh", "en")),
        ("anything = None  # one of: 1, a", ("1", "a")),  # no type known: text
    ],
)
def test_choices_are_typed_as_the_parameter(tmp_path, source, choices):
    path = write_parameters_notebook(tmp_path / "n.ipynb", source)
    got = next(iter(notebook_parameters(path).values())).choices
    assert got == choices
    assert [type(c) for c in got] == [type(c) for c in choices]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("year = 2025  # 可选：2021, later", "parameter 'year': choice 'later' is not an integer"),
        (
            "year = 2026  # 可选：2021, 2022",
            "the default 2026 is not one of its choices (2021, 2022)",
        ),
        ('lang = "fr"  # 可选：zh, en', 'the default "fr" is not one of its choices (zh, en)'),
    ],
)
def test_a_choice_list_that_does_not_fit_its_parameter_is_a_notebook_error(
    tmp_path, source, expected
):
    path = write_parameters_notebook(tmp_path / "n.ipynb", source)
    with pytest.raises(ParameterError) as info:
        notebook_parameters(path)
    assert str(info.value).startswith(str(path))
    assert expected in str(info.value)


@pytest.mark.parametrize("batch", ["annual", "midterm-2023", "final-2025"])
def test_the_shipped_batches_validate(batch):
    # Against the real notebooks: their `year` lines declare `可选：2021, …, 2025` (ints).
    runs = load_batch(batch).runs
    years = {r.parameters["year"] for r in runs if "year" in r.parameters}
    assert years and years <= {2021, 2022, 2023, 2024, 2025}


def test_every_yaml_example_of_the_parameters_readme_validates(tmp_path):
    # Each ```yaml block of parameters/README.md starts with `# parameters/<path>.yaml`: it is
    # written there in a copy of the real parameters/ (next to the real notebooks) and its batch
    # is validated; a brief example is validated through a batch listing it.
    import re
    import shutil

    from huainan.paths import PARAMETERS_DIR, REPO_ROOT

    readme = (PARAMETERS_DIR / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```yaml\n(.*?)^```", readme, re.S | re.M)
    assert len(blocks) >= 2
    shutil.copytree(PARAMETERS_DIR, tmp_path / "parameters")
    (tmp_path / "notebooks").symlink_to(REPO_ROOT / "notebooks", target_is_directory=True)
    for block in blocks:
        where = re.match(r"# (parameters/\S+\.yaml)\n", block)
        assert where, f"a README example must start with its file name: {block[:60]!r}"
        path = tmp_path / where.group(1)
        path.write_text(block, encoding="utf-8")
        if path.parent.name == "batches":
            batch = load_batch(path)
        else:
            batch = load_batch(write_batch(tmp_path, f"briefs: [{path.stem}]\n", "example"))
        assert batch.runs, where.group(1)


def test_parameters_cell_is_parsed_as_python(tmp_path):
    path = write_parameters_notebook(
        tmp_path / "n.ipynb",
        textwrap.dedent("""\
        %matplotlib inline
        import datetime
        regions: list[str] = [
            "340402",
            "340403",
        ]  # the units shown
        year = datetime.date.today().year  # not a literal: any type
        label = dict(a=1)
        x, y = 1, 2
        """),
    )
    params = notebook_parameters(path)
    assert list(params) == ["regions", "year", "label"]  # tuple targets are not parameters
    assert (params["regions"].kind, params["regions"].item_kind) == (list, str)
    assert params["regions"].help == "the units shown"
    assert params["year"].kind is None and params["year"].help == "not a literal: any type"
    assert params["label"].default == "dict(a=1)"


def test_same_names_as_papermills_inspector(briefs_project):
    from papermill import inspect_notebook

    path = briefs_project / "notebooks" / "note.ipynb"
    assert list(notebook_parameters(path)) == list(inspect_notebook(str(path)))


def test_invalid_python_in_the_parameters_cell(tmp_path):
    path = write_parameters_notebook(tmp_path / "n.ipynb", "year = 2024\nif:\n")
    with pytest.raises(ParameterError, match="is not valid Python \\(line 2"):
        notebook_parameters(path)
    (tmp_path / "bad.ipynb").write_text("{not json", encoding="utf-8")
    with pytest.raises(ParameterError, match="bad.ipynb: cannot read the notebook"):
        notebook_parameters(tmp_path / "bad.ipynb")


def test_notebook_without_parameters_tag_is_refused(briefs_project):
    path = briefs_project / "notebooks" / "untagged.ipynb"
    with pytest.raises(ParameterError, match="no cell is tagged 'parameters'") as info:
        notebook_parameters(path)
    assert "untagged.ipynb" in str(info.value)


# ---- a valid batch ---------------------------------------------------------------------------


def test_batch_expands_the_grid_and_types_values_as_the_notebook_expects(briefs_project):
    batch = load_batch("small", briefs_project / "parameters")
    assert batch.name == "small"
    assert batch.title == "测试批次（含一份故障简报）"
    assert [r.name for r in batch.runs] == ["note-health", "note-elderly_care", "broken"]
    health = batch.runs[0].parameters
    # parameters/note.yaml writes `regions: [340402, 340404]`, `serial: 0101`, `lang: no`:
    # YAML 1.1 alone would give ints, the octal 65 and False; the notebook's defaults are str.
    assert health == {
        "year": 2024,
        "regions": ["340402", "340404"],
        "serial": "0101",
        "lang": "no",
        "domain": "health",
    }
    assert batch.runs[1].parameters["domain"] == "elderly_care"
    assert batch.runs[2].title == "故障简报（测试）"
    assert batch.runs[2].notebook == briefs_project / "notebooks" / "broken.ipynb"


def test_batch_path_or_name_and_default_parameters_dir(briefs_project):
    by_path = load_batch(briefs_project / "parameters" / "batches" / "two.yaml")
    assert by_path.root == briefs_project  # parameters/ found above batches/
    assert [r.name for r in by_path.runs] == ["note-health", "note-elderly_care"]
    with pytest.raises(ParameterError, match="unknown batch 'nope'.*: sleepy, small, two$"):
        resolve_batch_path("nope", briefs_project / "parameters")


def test_entry_overrides_and_an_int_for_a_float(briefs_project):
    batch = load_batch(
        write_batch(
            briefs_project,
            """\
        briefs:
          - brief: note
            output: 单份-{domain}-{year}
            grid: {domain: [veterans]}
            parameters: {year: 2023, ratio: 1, comparison: china, note: [1, "a"]}
        """,
        )
    )
    (run,) = batch.runs
    assert run.name == "单份-veterans-2023"
    assert run.parameters["ratio"] == 1.0 and isinstance(run.parameters["ratio"], float)
    assert run.parameters["note"] == [1, "a"]  # default None: anything JSON-like
    assert run.parameters["year"] == 2023


# ---- invalid batches: one error naming file, line, brief and parameter ------------------------


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("{colour: red}", "parameter 'colour'): unknown parameter; notebooks/note.ipynb declares"),
        ('{year: "2024"}', "parameter 'year'): expected int"),
        ("{year: 2024.5}", "parameter 'year'): expected int"),
        ("{year: true}", "parameter 'year'): expected int"),
        ("{year: 02024}", "'02024' is not a plain decimal integer"),
        ("{show_map: 1}", "parameter 'show_map'): expected bool"),
        ("{regions: 340402}", "parameter 'regions'): expected a list of at least two region"),
        ("{regions: [340402, 340499]}", "unknown region code '340499'"),
        ("{regions: [大通区]}", "unknown region code '大通区' (did you mean '340402'?)"),
        ("{comparison: world}", "'world' is not one of anhui, china"),
        # note.ipynb declares no choices for `year`: the plan period rules (规划期为 2021-2025 年)
        ("{year: 1999}", "year 1999 is outside the plan period 2021–2025"),
        ("{year: 2031}", "year 2031 is outside the plan period 2021–2025"),
        # `regions` is a comparison of county-level units (briefing.select_units needs two)
        ("{regions: [340402]}", "'regions' needs at least two distinct units to compare"),
        ("{regions: [340402, 340402]}", "got 1: 340402"),
        ("{regions: []}", "'regions' needs at least two distinct units to compare"),
        ("{regions: [340400, 340402]}", "340400 (淮南市) is not a county-level unit"),
        ("{note: no}", "'no' is ambiguous (YAML 1.1 reads it as a boolean)"),
        ("{note: 0755}", "'0755' is ambiguous (YAML 1.1 reads it as octal"),
    ],
)
def test_bad_parameter_is_named_with_file_line_and_brief(briefs_project, override, expected):
    message = problems_of(
        briefs_project,
        f"""\
        title: bad
        briefs:
          - brief: note
            parameters: {override}
        """,
    )
    assert "parameters/batches/bad.yaml line 4 (brief 'note'" in message
    assert expected in message


def test_every_bad_item_of_a_list_is_reported(briefs_project):
    message = problems_of(
        briefs_project,
        """\
        briefs:
          - brief: note
            parameters: {regions: [大通区, "340499", 340403]}
        """,
    )
    assert message.startswith("batch parameters/batches/bad.yaml: 2 problems")
    assert "unknown region code '大通区' (did you mean '340402'?)" in message
    assert "unknown region code '340499'" in message
    write_parameters_notebook(
        briefs_project / "notebooks" / "many.ipynb", "domains = None\nyears = [2024]"
    )
    (briefs_project / "parameters" / "many.yaml").write_text(
        "notebook: notebooks/many.ipynb\n", encoding="utf-8"
    )
    message = problems_of(
        briefs_project,
        """\
        briefs:
          - brief: many
            parameters: {domains: [住房, health, nowhere], years: [2023, "2024", 2024.5]}
        """,
    )
    assert message.startswith("batch parameters/batches/bad.yaml: 4 problems")
    for expected in (
        "unknown domain id '住房'",
        "unknown domain id 'nowhere'",
        "expected int (default [2024] in notebooks/many.ipynb), got str '2024'",
        "got float 2024.5",
    ):
        assert expected in message


def test_a_year_inside_the_notebooks_int_choices_passes(briefs_project):
    # Before choices were typed, the text "2024" never equalled the int 2024: every year failed.
    write_parameters_notebook(
        briefs_project / "notebooks" / "years.ipynb",
        "year = 2025  # 可选：2021, 2022, 2023, 2024, 2025",
    )
    (briefs_project / "parameters" / "years.yaml").write_text(
        "notebook: notebooks/years.ipynb\nparameters: {year: 2024}\n", encoding="utf-8"
    )
    (run,) = load_batch(write_batch(briefs_project, "briefs: [years]\n")).runs
    assert run.parameters == {"year": 2024}
    message = problems_of(
        briefs_project,
        """\
        briefs:
          - brief: years
            parameters: {year: 2026}
        """,
    )
    assert (
        "line 3 (brief 'years', parameter 'year'): 2026 is not one of 2021, 2022, 2023, "
        "2024, 2025" in message
    )
    assert message.startswith("batch parameters/batches/bad.yaml: 1 problem\n")


@pytest.mark.parametrize(
    ("grid", "expected"),
    [
        ("[health, housing_estate]", "unknown domain id 'housing_estate'; valid ids: childcare,"),
        ("[病有所医]", "unknown domain id '病有所医' (did you mean 'health'?)"),
    ],
)
def test_unknown_domain_in_a_grid(briefs_project, grid, expected):
    message = problems_of(
        briefs_project,
        f"""\
        briefs:
          - brief: note
            grid: {{domain: {grid}}}
        """,
    )
    assert "parameters/batches/bad.yaml line 3 (brief 'note', parameter 'domain')" in message
    assert expected in message


def test_a_parameter_set_by_both_parameters_and_grid_is_refused(briefs_project):
    # note.yaml has grid {domain: [...]}: a `domain` override would be silently lost.
    message = problems_of(
        briefs_project,
        """\
        briefs:
          - brief: note
            parameters: {domain: housing}
        """,
    )
    assert (
        "line 3: parameter 'domain' of brief 'note' is set by 'parameters' and by 'grid'" in message
    )


def test_every_problem_is_listed_at_once(briefs_project):
    message = problems_of(
        briefs_project,
        """\
        briefs:
          - brief: note
            parameters: {colour: red}
          - brief: broken
            parameters: {domain: nowhere}
        """,
    )
    assert message.startswith("batch parameters/batches/bad.yaml: 2 problems")
    assert "'colour'" in message and "unknown domain id 'nowhere'" in message


def test_brief_without_parameters_tag_is_an_error(briefs_project):
    message = problems_of(briefs_project, "briefs: [untagged]\n")
    assert "(brief 'untagged')" in message
    assert "untagged.ipynb: no cell is tagged 'parameters'" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("briefs: [nope]\n", "unknown brief 'nope': no parameters/nope.yaml; briefs: broken, note"),
        ("briefs: [note, note]\n", "output name 'note-health' is also produced by"),
        ("brief: [note]\n", "unknown key 'brief'; allowed: briefs, description, title"),
        ("briefs: []\n", "'briefs' must be a non-empty list"),
        (
            "briefs:\n  - brief: note\n    parameters: {year: 2023, year: 2024}\n",
            "line 3: duplicate parameters name 'year'",
        ),
        ("briefs:\n  - brief: note\n    output: note\n", "output name 'note' is also produced by"),
        ("briefs:\n  - brief: note\n    output: '{domain}/x'\n", "must be a plain file name"),
        (
            "briefs:\n  - brief: note\n    output: 'index'\n    grid: {domain: [health]}\n",
            "output name 'index' is reserved",
        ),
        ("briefs:\n  - brief: note\n    output: 'n-{dom}'\n", "cannot fill 'output'/'title'"),
        ("briefs:\n  - brief: note\n    grid: {domain: []}\n", "grid 'domain' must be a non-empty"),
        ("briefs: [note\n", "invalid YAML"),
    ],
)
def test_malformed_batch(briefs_project, text, expected):
    assert expected in problems_of(briefs_project, text)


def test_brief_file_problems(briefs_project):
    (briefs_project / "parameters" / "ghost.yaml").write_text(
        "notebook: notebooks/ghost.ipynb\n", encoding="utf-8"
    )
    (briefs_project / "parameters" / "gridless.yaml").write_text(
        "notebook: notebooks/note.ipynb\ngrid: {domain: [health, housing]}\n", encoding="utf-8"
    )
    message = problems_of(briefs_project, "briefs: [ghost, gridless]\n")
    assert "parameters/ghost.yaml line 1: notebook 'notebooks/ghost.ipynb' not found" in message
    assert "output 'gridless' has no {placeholder}" in message


def test_region_and_domain_values_are_text_even_with_a_none_default(briefs_project):
    # like notebooks/briefs/domain.ipynb: `regions = None  # None = all seven units`
    write_parameters_notebook(
        briefs_project / "notebooks" / "free.ipynb", "regions = None\ndomain = None\nregion = None"
    )
    (briefs_project / "parameters" / "free.yaml").write_text(
        "notebook: notebooks/free.ipynb\nparameters: {regions: [340421, 340422]}\n",
        encoding="utf-8",
    )
    batch = load_batch(
        write_batch(
            briefs_project,
            """\
        briefs:
          - free
          - brief: free
            output: free-2
            parameters: {regions: null, domain: housing, region: 340400}
        """,
        )
    )
    assert batch.runs[0].parameters == {"regions": ["340421", "340422"]}
    assert batch.runs[1].parameters == {"regions": None, "domain": "housing", "region": "340400"}
    message = problems_of(
        briefs_project,
        """\
        briefs:
          - brief: free
            parameters: {regions: [340421, 999999]}
        """,
    )
    assert "unknown region code '999999'" in message
    # a single code is not a comparison, even where the default (None) gives no type
    message = problems_of(
        briefs_project,
        """\
        briefs:
          - brief: free
            parameters: {regions: 340421}
        """,
    )
    assert (
        "(brief 'free', parameter 'regions'): expected a list of at least two region codes"
        in message
    )


def test_titles_can_name_the_domain_in_chinese(briefs_project):
    batch = load_batch(
        write_batch(
            briefs_project,
            """\
        briefs:
          - brief: note
            title: "{domain_zh}（{domain_en}）· {year}年"
            parameters: {year: 2023}
        """,
        )
    )
    assert [r.title for r in batch.runs] == [
        "病有所医（Health care）· 2023年",
        "老有所养（Elderly care）· 2023年",
    ]
