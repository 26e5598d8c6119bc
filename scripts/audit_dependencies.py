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
"""

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

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


def audit(
    requirements: str,
    strict: bool,
    run: Callable[[str, str], tuple[int, str, str]] = pip_audit,
    out: Callable[[str], None] = print,
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

    vulnerable = {pkg: vulns for answer in answers for pkg, vulns in answer.vulnerable.items()}
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
        out("  Run `make audit` where PyPI's JSON API or the OSV service can be reached.")
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
    out(f"OK: all {len(checked)} packages in {requirements} checked, no known vulnerabilities.")
    return 0


def main(argv: list[str]) -> int:
    requirements = argv[1] if len(argv) > 1 else "requirements/prod.txt"
    strict = os.environ.get("INKLUSIO_AUDIT_STRICT", "").strip().lower() in {"1", "true", "yes"}
    return audit(requirements, strict)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
