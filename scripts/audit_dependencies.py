"""Check the locked dependencies for known vulnerabilities (pip-audit), and say so when they
could not be checked.

    python scripts/audit_dependencies.py [requirements/prod.txt]

pip-audit asks a vulnerability service about every pinned package: PyPI's JSON API first, then
OSV for whatever PyPI did not answer. Its own exit code is 0 when the service answered nothing
("Dependency not found on PyPI and could not be audited" for every package), which would pass a
build that checked nothing. Here a package counts as checked only when a service answered for
it, and the result is one of:

- a known vulnerability in a checked package: listed, exit 1;
- every package checked, none vulnerable: exit 0;
- some packages not checked (service unreachable): a warning saying how many and why, exit 0,
  or exit 1 with INKLUSIO_AUDIT_STRICT=1 (for a pipeline that can reach the services).

When neither service answers, INKLUSIO_ADVISORY_DB may name a local advisory database: a folder
of OSV records (JSON, or YAML as in the PyPA advisory database) for PyPI packages. The packages
the services left unchecked are then matched against it by their pinned version, and the output
says they were checked locally and how recent the newest record is.
"""

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from packaging.version import InvalidVersion, Version

SERVICES = ("pypi", "osv")


@dataclass
class Answer:
    """What one service said: vulnerabilities by package, the packages it could not check."""

    service: str
    checked: set[str] = field(default_factory=set)
    vulnerable: dict[str, list[str]] = field(default_factory=dict)
    unchecked: dict[str, str] = field(default_factory=dict)
    error: str = ""


def pip_audit(requirements: str, service: str) -> tuple[int, str, str]:
    result = subprocess.run(  # noqa: S603 - our own tool with fixed arguments
        [
            os.path.join(os.path.dirname(sys.executable), "pip-audit"),
            "--requirement",
            requirements,
            "--require-hashes",
            "--disable-pip",
            "--vulnerability-service",
            service,
            "--format",
            "json",
            "--progress-spinner",
            "off",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode, result.stdout, result.stderr


def parse(service: str, returncode: int, stdout: str, stderr: str) -> Answer:
    answer = Answer(service)
    try:
        report = json.loads(stdout)
    except ValueError:
        lines = [line for line in stderr.strip().splitlines() if line.strip()]
        answer.error = lines[-1] if lines else f"pip-audit exited with {returncode}"
        return answer
    for dependency in report.get("dependencies", []):
        name = dependency["name"]
        if "skip_reason" in dependency:
            answer.unchecked[name] = dependency["skip_reason"]
            continue
        answer.checked.add(name)
        vulns = dependency.get("vulns") or []
        if vulns:
            answer.vulnerable[f"{name} {dependency.get('version', '')}".strip()] = [
                _describe(vuln) for vuln in vulns
            ]
    return answer


def _describe(vuln: dict) -> str:
    fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
    aliases = ", ".join(vuln.get("aliases") or [])
    return f"{vuln['id']}{f' ({aliases})' if aliases else ''}: fixed in {fixed}"


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned_versions(requirements: str) -> dict[str, str]:
    """name -> version of every `name==version` line of a locked requirements file."""
    pins = {}
    for line in Path(requirements).read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)", line)
        if match:
            pins[normalise(match[1])] = match[2]
    return pins


def _records(folder: Path) -> Iterator[dict]:
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".json":
            yield json.loads(path.read_text())
        elif path.suffix in {".yaml", ".yml"}:
            import yaml

            yield yaml.safe_load(path.read_text())


def _affected(version: Version, affected: dict) -> bool:
    for listed in affected.get("versions") or []:
        try:
            if Version(str(listed)) == version:
                return True
        except InvalidVersion:
            continue
    for range_ in affected.get("ranges") or []:
        if range_.get("type") != "ECOSYSTEM":
            continue
        start = None
        for event in range_.get("events") or []:
            try:
                if "introduced" in event:
                    start = (
                        Version("0") if event["introduced"] == "0" else Version(event["introduced"])
                    )
                elif "fixed" in event and start is not None:
                    if start <= version < Version(event["fixed"]):
                        return True
                    start = None
                elif "last_affected" in event and start is not None:
                    if start <= version <= Version(event["last_affected"]):
                        return True
                    start = None
            except InvalidVersion:
                start = None
        if start is not None and start <= version:
            return True
    return False


def local_advisories(folder: Path, pins: dict[str, str]) -> tuple[dict[str, list[str]], str]:
    """Vulnerabilities of the pinned packages known to the local database, and the date of its
    newest record."""
    found: dict[str, list[str]] = {}
    newest = ""
    for record in _records(folder):
        if not isinstance(record, dict) or record.get("withdrawn") or "id" not in record:
            continue
        newest = max(newest, str(record.get("modified", "")) or "undated")
        for affected in record.get("affected") or []:
            package = affected.get("package") or {}
            name = normalise(str(package.get("name", "")))
            if package.get("ecosystem") != "PyPI" or name not in pins:
                continue
            try:
                version = Version(pins[name])
            except InvalidVersion:
                continue
            if _affected(version, affected):
                fixed = sorted(
                    {
                        event["fixed"]
                        for range_ in affected.get("ranges") or []
                        for event in range_.get("events") or []
                        if "fixed" in event
                    }
                )
                vuln = {"id": record["id"], "aliases": record.get("aliases"), "fix_versions": fixed}
                found.setdefault(f"{name} {pins[name]}", []).append(_describe(vuln))
    return found, newest[:10]


def _check_locally(
    advisory_db: str, requirements: str, unchecked: dict[str, str], out: Callable[[str], None]
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The packages checked against the local database (name -> version) and what it found."""
    folder = Path(advisory_db)
    if not folder.is_dir():
        out(f"WARNING: INKLUSIO_ADVISORY_DB={advisory_db} is not a folder; not used.")
        return {}, {}
    pins = pinned_versions(requirements)
    local = {normalise(n): pins[normalise(n)] for n in unchecked if normalise(n) in pins}
    found, newest = local_advisories(folder, local)
    if not newest:
        out(f"WARNING: INKLUSIO_ADVISORY_DB={advisory_db} holds no advisory; not used.")
        return {}, {}
    out("=" * 78)
    out(
        f"NOTE: {len(local)} packages that no vulnerability service answered for were checked "
        f"against the LOCAL advisory database {advisory_db} instead (newest record: {newest}); "
        "it knows only what it held when it was copied."
    )
    out("=" * 78)
    return local, found


def audit(
    requirements: str,
    strict: bool,
    run: Callable[[str, str], tuple[int, str, str]] = pip_audit,
    out: Callable[[str], None] = print,
    advisory_db: str = "",
) -> int:
    answers: list[Answer] = []
    checked: set[str] = set()
    unchecked: dict[str, str] = {}
    for service in SERVICES:
        answer = parse(service, *run(requirements, service))
        answers.append(answer)
        checked |= answer.checked
        for name, reason in answer.unchecked.items():
            unchecked.setdefault(name, reason)
        if answer.checked and not answer.unchecked:
            break  # this service answered for every package
    unchecked = {name: why for name, why in unchecked.items() if name not in checked}
    if not checked and not unchecked:  # no service listed the packages at all
        unchecked = dict.fromkeys(pinned_versions(requirements), "no service answered")

    vulnerable = {pkg: vulns for answer in answers for pkg, vulns in answer.vulnerable.items()}
    local: dict[str, str] = {}
    if unchecked and advisory_db:
        local, found = _check_locally(advisory_db, requirements, unchecked, out)
        vulnerable.update(found)
        checked |= set(local)
        unchecked = {n: why for n, why in unchecked.items() if normalise(n) not in local}
    for package, vulns in sorted(vulnerable.items()):
        for vuln in vulns:
            out(f"VULNERABLE {package}: {vuln}")

    services_said = "; ".join(
        f"{a.service}: {a.error}"
        if a.error
        else f"{a.service}: answered for {len(a.checked)}, not for {len(a.unchecked)}"
        for a in answers
    )
    total = len(checked) + len(unchecked)
    if unchecked or not checked:
        out("=" * 78)
        out(
            f"WARNING: {len(unchecked) if checked else 'ALL'} of {total or 'the'} packages in "
            f"{requirements} were NOT checked for known vulnerabilities: no vulnerability "
            "service answered for them."
        )
        out(f"  Services asked: {services_said}.")
        if unchecked:
            shown = ", ".join(sorted(unchecked)[:10])
            more = f" and {len(unchecked) - 10} more" if len(unchecked) > 10 else ""
            out(f"  Not checked: {shown}{more}.")
            out(f"  Reason given: {next(iter(unchecked.values()))}")
        out(
            "  Run `make audit` where PyPI's JSON API or the OSV service can be reached, or set "
            "INKLUSIO_ADVISORY_DB to a local copy of an OSV advisory database."
        )
        out("=" * 78)
    if vulnerable:
        out(f"FAILED: known vulnerabilities in {len(vulnerable)} package(s) of {requirements}.")
        return 1
    if unchecked or not checked:
        if strict:
            out("FAILED: INKLUSIO_AUDIT_STRICT=1 and not every package could be checked.")
            return 1
        out(
            f"Not failed, but NOT a clean audit: {len(checked)} of {total} packages checked "
            "(none of them with a known vulnerability). INKLUSIO_AUDIT_STRICT=1 makes this fail."
        )
        return 0
    by_local = f" ({len(local)} of them only against the local advisory database)" if local else ""
    out(
        f"OK: all {len(checked)} packages in {requirements} checked{by_local}, "
        "no known vulnerabilities."
    )
    return 0


def main(argv: list[str]) -> int:
    requirements = argv[1] if len(argv) > 1 else "requirements/prod.txt"
    strict = os.environ.get("INKLUSIO_AUDIT_STRICT", "").strip().lower() in {"1", "true", "yes"}
    return audit(requirements, strict, advisory_db=os.environ.get("INKLUSIO_ADVISORY_DB", ""))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
