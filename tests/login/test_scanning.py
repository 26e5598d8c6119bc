"""`make audit`: pip-audit's answer read so that a service that answered nothing never passes
as "no known vulnerabilities", and bandit with the project's configuration still finds a
planted flaw."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_script():
    spec = importlib.util.spec_from_file_location(
        "audit_dependencies", ROOT / "scripts" / "audit_dependencies.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


audit_dependencies = _load_script()

NOT_FOUND = "Dependency not found on PyPI and could not be audited: {} (1.0)"
OSV_DOWN = (
    1,
    "",
    "Traceback (most recent call last):\n  ...\nrequests.exceptions.ConnectionError: "
    "Failed to resolve the OSV service's host\n",
)


def report(*dependencies):
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


def clean(name):
    return {"name": name, "version": "1.0", "vulns": []}


def skipped(name):
    return {"name": name, "skip_reason": NOT_FOUND.format(name)}


def run_audit(answers, strict=False):
    """`answers` maps a service to pip-audit's (exit code, stdout, stderr)."""
    asked, lines = [], []

    def fake_pip_audit(requirements, service):
        asked.append(service)
        return answers[service]

    code = audit_dependencies.audit("requirements/prod.txt", strict, fake_pip_audit, lines.append)
    return code, "\n".join(lines), asked


def test_every_package_answered_and_none_vulnerable_passes_without_asking_osv():
    code, output, asked = run_audit({"pypi": (0, report(clean("django"), clean("axes")), "")})
    assert code == 0 and asked == ["pypi"]
    assert "OK: all 2 packages in requirements/prod.txt checked" in output
    assert "WARNING" not in output


def test_a_known_vulnerability_fails_and_is_named():
    vulnerable = {
        "name": "django",
        "version": "5.2.1",
        "vulns": [{"id": "PYSEC-2026-1", "fix_versions": ["5.2.9"], "aliases": ["CVE-2026-1"]}],
    }
    code, output, _ = run_audit({"pypi": (1, report(vulnerable, clean("axes")), "")})
    assert code == 1
    assert "VULNERABLE django 5.2.1: PYSEC-2026-1 (CVE-2026-1): fixed in 5.2.9" in output


@pytest.mark.parametrize("strict", [False, True])
def test_no_service_answering_is_a_loud_warning_or_with_strict_a_failure(strict):
    """pip-audit itself exits 0 here ("No known vulnerabilities found")."""
    answers = {"pypi": (0, report(skipped("django"), skipped("axes")), ""), "osv": OSV_DOWN}
    code, output, asked = run_audit(answers, strict=strict)
    assert asked == ["pypi", "osv"]
    assert "WARNING: ALL of 2 packages in requirements/prod.txt were NOT checked" in output
    assert "osv: requests.exceptions.ConnectionError" in output
    assert "NOT a clean audit: 0 of 2 packages checked" in output or strict
    assert code == (1 if strict else 0)


def test_what_pypi_could_not_answer_osv_may():
    answers = {
        "pypi": (0, report(clean("django"), skipped("internal-lib")), ""),
        "osv": (0, report(clean("django"), clean("internal-lib")), ""),
    }
    code, output, _ = run_audit(answers, strict=True)
    assert code == 0 and "OK: all 2 packages" in output


def test_a_vulnerability_found_while_other_packages_went_unchecked_still_fails():
    vulnerable = {"name": "axes", "version": "1.0", "vulns": [{"id": "GHSA-x", "aliases": []}]}
    answers = {"pypi": (1, report(vulnerable, skipped("django")), ""), "osv": OSV_DOWN}
    code, output, _ = run_audit(answers)
    assert code == 1
    assert "VULNERABLE axes 1.0: GHSA-x: fixed in no fixed version yet" in output
    assert "WARNING: 1 of 2 packages" in output


def _advisory_db(folder):
    """A local advisory database: one OSV record as JSON, one as YAML (PyPA's layout)."""
    (folder / "vulns" / "django").mkdir(parents=True)
    (folder / "vulns" / "django" / "PYSEC-2026-7.json").write_text(
        json.dumps(
            {
                "id": "PYSEC-2026-7",
                "modified": "2026-11-20T08:00:00Z",
                "aliases": ["CVE-2026-7"],
                "affected": [
                    {
                        "package": {"ecosystem": "PyPI", "name": "Django"},
                        "ranges": [
                            {
                                "type": "ECOSYSTEM",
                                "events": [
                                    {"introduced": "5.2"},
                                    {"fixed": "5.2.9"},
                                    {"introduced": "6.0"},
                                    {"fixed": "6.0.2"},
                                ],
                            }
                        ],
                    }
                ],
            }
        )
    )
    (folder / "vulns" / "pillow").mkdir()
    (folder / "vulns" / "pillow" / "PYSEC-2025-3.yaml").write_text(
        "id: PYSEC-2025-3\nmodified: '2025-01-02T00:00:00Z'\naffected:\n"
        "- package: {ecosystem: PyPI, name: pillow}\n  versions: ['10.0.0']\n"
    )
    return folder


@pytest.mark.parametrize(
    ("django", "pillow", "vulnerable"),
    [
        ("5.2.1", "11.0", ["django 5.2.1: PYSEC-2026-7 (CVE-2026-7): fixed in 5.2.9, 6.0.2"]),
        ("6.0.1", "10.0.0", ["django 6.0.1: PYSEC-2026-7", "pillow 10.0.0: PYSEC-2025-3"]),
        ("5.2.9", "11.0", []),
        ("5.1.4", "11.0", []),
    ],
)
def test_without_any_service_a_local_advisory_database_is_used_and_named(
    tmp_path, django, pillow, vulnerable
):
    requirements = tmp_path / "prod.txt"
    requirements.write_text(
        f"django=={django} \\\n    --hash=sha256:00\npillow=={pillow} \\\n    --hash=sha256:11\n"
    )
    database = _advisory_db(tmp_path / "advisories")
    lines = []
    code = audit_dependencies.audit(
        str(requirements),
        True,
        lambda requirements, service: OSV_DOWN,  # no service answers at all
        lines.append,
        advisory_db=str(database),
    )
    output = "\n".join(lines)
    assert (
        "2 packages that no vulnerability service answered for were checked against the "
        f"LOCAL advisory database {database}" in output
    )
    assert "(newest record: 2026-11-20)" in output
    found = [line for line in lines if line.startswith("VULNERABLE")]
    assert len(found) == len(vulnerable)
    assert all(any(f"VULNERABLE {v}" in line for line in found) for v in vulnerable)
    assert code == (1 if vulnerable else 0)
    assert "NOT checked" not in output
    if not vulnerable:
        assert "OK: all 2 packages" in output and "only against the local advisory" in output


def test_an_empty_local_advisory_database_checks_nothing(tmp_path):
    requirements = tmp_path / "prod.txt"
    requirements.write_text("django==5.2.1 \\\n    --hash=sha256:00\n")
    (tmp_path / "advisories").mkdir()
    lines = []
    code = audit_dependencies.audit(
        str(requirements),
        True,
        lambda requirements, service: OSV_DOWN,
        lines.append,
        advisory_db=str(tmp_path / "advisories"),
    )
    output = "\n".join(lines)
    assert "holds no advisory; not used" in output
    assert "WARNING: ALL of 1 packages" in output and code == 1


def test_bandit_with_the_project_configuration_finds_a_planted_flaw(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text(
        "import pickle\nimport subprocess\n\n\n"
        "def run(command, blob):\n"
        "    subprocess.call(command, shell=True)\n"
        "    return pickle.loads(blob)\n"
    )
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "bandit"),
            "-c",
            str(ROOT / "pyproject.toml"),
            "-q",
            "-f",
            "json",
            str(planted),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    found = {issue["test_id"] for issue in json.loads(result.stdout)["results"]}
    assert {"B602", "B301"} <= found
