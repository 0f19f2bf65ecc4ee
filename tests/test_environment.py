"""pyproject.toml and environment.yml must list the same dependencies with the same ranges."""

import tomllib

import yaml
from packaging.requirements import Requirement

from huainan.paths import REPO_ROOT


def _pyproject_requirements():
    meta = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(meta["dependencies"]) + list(meta["optional-dependencies"]["test"])
    return {
        Requirement(r).name.lower().replace("_", "-"): str(Requirement(r).specifier) for r in reqs
    }


def _environment_requirements():
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text(encoding="utf-8"))
    found = {}
    for dep in env["dependencies"]:
        items = dep["pip"] if isinstance(dep, dict) else [dep]
        for item in items:
            if item.startswith("-e") or item in ("pip",) or item.startswith("python="):
                continue
            r = Requirement(item)
            found[r.name.lower().replace("_", "-")] = str(r.specifier)
    return found


def test_environment_yml_matches_pyproject():
    py = _pyproject_requirements()
    env = _environment_requirements()
    assert set(py) - set(env) == set(), "in pyproject.toml but not in environment.yml"
    assert set(env) - set(py) == set(), "in environment.yml but not in pyproject.toml"
    differing = {k: (py[k], env[k]) for k in py if py[k] != env[k]}
    assert differing == {}, f"ranges differ (pyproject, environment.yml): {differing}"


def test_environment_installs_the_package_and_python_311():
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert "python=3.11" in env["dependencies"]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip
    assert env["channels"] == ["conda-forge"]
