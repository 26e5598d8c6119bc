"""A seeded random sample of mutmut's mutants, stratified per module, and the score it supports.

`make mutate-sample` runs this (docs/testing.md, "A sample instead of the whole run"). The whole
run is about 5,500 mutants and many hours here; a sample of a few hundred gives the killed share
per module and overall with a 95 % Wilson interval.

- Drawing: every mutant that has no result yet and was not drawn before is a candidate; the
  sample size is shared out over the modules in proportion to their candidates (largest
  remainder), and each module's share is drawn with `random.Random(seed)`. Every draw is kept
  in `mutants/sample.json`, so a later draw (another seed) adds to the sample instead of
  repeating it, and the report covers all draws.
- Running: as `mutmut run`, one mutant after another against the tests that reach its function,
  fastest first, but with a wall-clock cap per mutant (`--cap`, seconds): a mutant the cast
  functions reach runs nearly the whole suite when it survives. mutmut reports a capped mutant
  as a timeout; the report counts every timeout as NOT killed, so a cap can only lower the score.
  mutmut's "clean run" of the tests is skipped: its stats run, which has to pass, already ran them.
- `--retry NAME...` runs drawn mutants again (after a test was added), `--report` only reports.
- Reporting: killed/total per module and overall (Wilson 95 %), and the overall share with each
  module weighted by its number of mutants (the stratified estimate).

Run from the project root with mutmut's configuration (pyproject `[tool.mutmut]`); the Makefile
target prepares the template database tests/mutmut_django.py copies.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

SAMPLE_FILE = Path("mutants/sample.json")
# A mutant counts as killed only when a test failed; a timeout may be a capped survivor.
KILLED = {"killed"}


def module_of(mutant_name: str) -> str:
    return mutant_name.rsplit(".", 1)[0]


def wilson(killed: int, total: int, z: float = 1.96) -> tuple[float, float]:
    if total == 0:
        return (0.0, 1.0)
    p = killed / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return (max(0.0, centre - half), min(1.0, centre + half))


def allocate(sizes: dict[str, int], n: int) -> dict[str, int]:
    """n shared out in proportion to sizes, largest remainder first (ties by name)."""
    total = sum(sizes.values())
    if total == 0:
        return {}
    n = min(n, total)
    quotas = {k: n * v / total for k, v in sizes.items()}
    share = {k: int(q) for k, q in quotas.items()}
    left = n - sum(share.values())
    for k in sorted(quotas, key=lambda k: (-(quotas[k] - share[k]), k))[:left]:
        share[k] += 1
    return share


def draw(population: dict[str, list[str]], n: int, seed: int) -> list[str]:
    rng = random.Random(seed)  # noqa: S311 - a reproducible sample, not a secret
    share = allocate({k: len(v) for k, v in population.items()}, n)
    drawn: list[str] = []
    for module in sorted(share):
        drawn += rng.sample(sorted(population[module]), share[module])
    return drawn


def load_sample() -> dict:
    if SAMPLE_FILE.exists():
        return json.loads(SAMPLE_FILE.read_text())
    return {"draws": []}


def prepare(children: int):
    """mutmut's own preparation: copy and mutate the sources, then learn which tests reach which
    function (reused from mutants/ when nothing changed; new tests are added incrementally)."""
    import mutmut.__main__ as mm

    mm.set_mutant_under_test("mutant_generation")
    Path("mutants").mkdir(exist_ok=True)
    with mm.CatchOutput(spinner_title="Generating mutants"):
        mm.copy_src_dir()
        mm.copy_also_copy_files()
        mm.setup_source_paths()
        mm.store_lines_covered_by_tests()
        mm.create_mutants(children)
    runner = mm.get_mutant_runner(children)
    mm.collect_or_load_stats(runner, apply_config_invalidation=True)
    mutants, by_path = mm.collect_source_file_mutation_data(mutant_names=())
    mm._check_test_to_mutant_associations(by_path)
    return mm, runner, mutants


def run_mutants(mm, runner, mutants, names: list[str], cap: int) -> None:
    wanted = set(names)
    todo = [(m, name) for m, name, _ in mutants if name in wanted]
    todo.sort(key=lambda item: mm.estimated_worst_case_time(item[1]))
    mm.set_mutant_under_test("")
    mm.run_forced_fail_test(runner)
    data_by_name = {}
    done = 0

    def drain() -> None:
        nonlocal done
        result = runner.wait_for_result()
        mm._register_mutant_result(result, data_by_name)
        done += 1
        status = mm.status_by_exit_code[result.exit_code]
        print(f"  [{done}/{len(todo)}] {status:9} {result.mutant_name}", flush=True)

    runner.startup()
    try:
        for data, name in todo:
            tests = mm.state().tests_by_mangled_function_name.get(
                mm.mangled_name_from_mutant_name(name), set()
            )
            if not tests:
                data.exit_code_by_key[name] = 33
                data.save()
                done += 1
                print(f"  [{done}/{len(todo)}] no tests  {name}", flush=True)
                continue
            estimated = sum(mm.state().duration_by_test[t] for t in tests)
            cfg = mm.config()
            limit = math.ceil((estimated + cfg.timeout_constant) * cfg.timeout_multiplier * 2)
            # The forkserver's wall timeout is half the CPU limit: cap that at `cap` seconds.
            limit = min(limit, 2 * cap)
            while not runner.has_capacity():
                drain()
            data_by_name[name] = data
            runner.submit(name, list(tests), limit, estimated)
        runner.signal_work_complete()
        while runner.pending_count() > 0:
            drain()
    except KeyboardInterrupt:
        print("Stopped; mutants without a result stay unmeasured.")
        runner.stop_all_workers()
    finally:
        runner.shutdown()


def report(mutants, sample: dict) -> None:
    from mutmut.stats import status_by_exit_code

    result_of = {name: status_by_exit_code[code] for _, name, code in mutants}
    population = Counter(module_of(name) for _, name, _ in mutants)
    drawn = [name for d in sample["draws"] for name in d["names"] if name in result_of]
    per_module: dict[str, Counter] = defaultdict(Counter)
    for name in drawn:
        per_module[module_of(name)][result_of[name]] += 1

    print()
    print(
        "Draws:",
        ", ".join(f"seed {d['seed']} n={len(d['names'])} ({d['date']})" for d in sample["draws"]),
    )
    print(
        f"{'module':52} {'mutants':>7} {'sampled':>7} {'measured':>8} {'killed':>6}  share   95 % Wilson"
    )
    killed_all = measured_all = 0
    weighted = 0.0
    weight_measured = 0
    for module in sorted(population):
        counts = per_module.get(module, Counter())
        measured = sum(v for k, v in counts.items() if k != "not checked")
        killed = sum(counts[k] for k in KILLED)
        sampled = sum(counts.values())
        killed_all += killed
        measured_all += measured
        if measured:
            low, high = wilson(killed, measured)
            weighted += population[module] * killed / measured
            weight_measured += population[module]
            share = f"{killed / measured:6.1%}  [{low:.1%}, {high:.1%}]"
        else:
            share = "   -"
        print(f"{module:52} {population[module]:7} {sampled:7} {measured:8} {killed:6}  {share}")
    others = Counter()
    for counts in per_module.values():
        others.update({k: v for k, v in counts.items() if k not in KILLED})
    print()
    if measured_all:
        low, high = wilson(killed_all, measured_all)
        print(
            f"Overall (pooled sample): {killed_all}/{measured_all} killed = "
            f"{killed_all / measured_all:.1%}, 95 % Wilson [{low:.1%}, {high:.1%}]"
        )
        print(
            f"Overall weighted by module size ({weight_measured} of {sum(population.values())} "
            f"mutants in measured modules): {weighted / weight_measured:.1%}"
        )
    unmeasured = len(drawn) - measured_all
    if unmeasured:
        low, high = wilson(killed_all, len(drawn))
        print(
            f"Drawn but without a result: {unmeasured}; counting them as not killed: "
            f"{killed_all}/{len(drawn)} = {killed_all / len(drawn):.1%}, "
            f"95 % Wilson [{low:.1%}, {high:.1%}]"
        )
    print("Not killed, by mutmut status:", dict(others) or "none")
    for name in sorted(n for n in drawn if result_of[n] not in KILLED | {"not checked"}):
        print(f"    {result_of[name]:9} {name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=0, help="mutants to draw now (0: none)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cap", type=int, default=300, help="wall seconds per mutant")
    parser.add_argument("--children", type=int, default=1)
    parser.add_argument("--retry", nargs="*", default=[], help="drawn mutants to run again")
    parser.add_argument(
        "--run-pending", action="store_true", help="run drawn mutants without a result"
    )
    parser.add_argument("--report", action="store_true", help="only report")
    args = parser.parse_args()

    mm, runner, mutants = prepare(args.children)
    sample = load_sample()
    already = {name for d in sample["draws"] for name in d["names"]}
    names: list[str] = []
    if args.sample and not args.report:
        population: dict[str, list[str]] = defaultdict(list)
        for _, name, code in mutants:
            if code is None and name not in already:
                population[module_of(name)].append(name)
        names = draw(population, args.sample, args.seed)
        sample["draws"].append(
            {
                "seed": args.seed,
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "names": names,
            }
        )
        SAMPLE_FILE.write_text(json.dumps(sample, indent=1))
        print(
            f"Drew {len(names)} mutants (seed {args.seed}) from {sum(map(len, population.values()))}"
        )
    if args.run_pending:
        result_of = {name: code for _, name, code in mutants}
        names += [n for n in already if result_of.get(n) is None]
    retry = [n for n in args.retry if n in already or n in names]
    if len(retry) != len(args.retry):
        print("Not in the sample, not run:", sorted(set(args.retry) - set(retry)))
    if not args.report and (names or retry):
        run_mutants(mm, runner, mutants, names + retry, args.cap)
        mutants = mm.collect_source_file_mutation_data(mutant_names=())[0]
    report(mutants, sample)
    return 0


if __name__ == "__main__":
    sys.exit(main())
