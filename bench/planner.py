"""Benchmark of the weekly planner: CP-SAT against the greedy baseline, and re-planning speed.

Prints figures; asserts nothing about time. Run: `.venv/bin/python bench/planner.py [--quick]`.
The bound is a proven lower bound on the whole `evaluate` objective, so "gap %" is how far the
plan can at most be from the best plan; "status" says what stopped the solver. The budget is
CP-SAT deterministic time (work, not seconds); "solve s" is wall time on this machine, printed
with its load average, since a shared machine stretches it.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inklusio.planning.generator import generate, with_previous_plan
from inklusio.planning.solver import (
    SLOTS,
    Assignment,
    check_hard_rules,
    greedy,
    greedy_assignments,
    pairs_of,
    replan,
    solve,
)

SIZES = [(10, 8), (40, 30), (150, 100), (450, 300)]
TIME_LIMITS = {8: 5.0, 30: 10.0, 100: 30.0, 300: 60.0}
# Issue 19's targets: (seconds, largest gap) — a gap of 0 means proven optimal.
TARGETS = {8: (1.0, 0.0), 30: (10.0, 0.0), 100: (30.0, 0.01), 300: (60.0, 0.02)}


def _row(cells):
    print(" | ".join(f"{cell:>10}" for cell in cells))


def run_plans(sizes, seeds) -> None:
    print("\n## Weekly plan: CP-SAT vs greedy (objective: lower is better)\n")
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    _row(
        [
            "inst/ped", "seed", "status", "first s", "solve s", "objective", "bound", "gap %",
            "target", "met", "pairs chg", "greedy obj", "greedy s", "greedy chg", "greedy/cp",
        ]
    )  # fmt: skip
    for n_institutions, n_pedagogues in sizes:
        for seed in seeds:
            problem = generate(n_institutions, n_pedagogues, seed)
            # Last week's plan is the solver's own (as in use): this week should keep its pairs.
            last_week = solve(problem, time_limit_s=TIME_LIMITS[n_pedagogues])
            problem = with_previous_plan(problem, last_week.assignments)
            baseline = greedy(problem)
            result = solve(problem, time_limit_s=TIME_LIMITS[n_pedagogues])
            assert not check_hard_rules(problem, result.assignments)
            changed = len(pairs_of(result.assignments) ^ pairs_of(last_week.assignments))
            greedy_changed = len(pairs_of(baseline.assignments) ^ pairs_of(last_week.assignments))
            ratio = baseline.objective / result.objective if result.objective else float("nan")
            seconds, gap = TARGETS[n_pedagogues]
            met = result.solve_time_s < seconds and result.gap <= gap
            _row(
                [
                    f"{n_institutions}/{n_pedagogues}",
                    str(seed),
                    result.status.replace("DETERMINISTIC_LIMIT", "DET_LIMIT"),
                    f"{result.first_solution_time_s or 0:.2f}",
                    f"{result.solve_time_s:.2f}",
                    f"{result.objective:.0f}",
                    f"{result.best_bound:.0f}",
                    f"{100 * result.gap:.2f}",
                    f"<{seconds:.0f}s,{100 * gap:.0f}%",
                    "yes" if met else "NO",
                    str(changed),
                    f"{baseline.objective:.0f}",
                    f"{baseline.solve_time_s:.3f}",
                    str(greedy_changed),
                    f"{ratio:.2f}",
                ]
            )
            sys.stdout.flush()


def run_moved_week(seeds) -> None:
    """A harder week: last week is not the solver's own plan but the greedy plan a day later, so
    keeping last week's weekdays pulls against the pairings."""
    print("\n## Ishøj size, last week = greedy plan moved a day\n")
    _row(["inst/ped", "seed", "status", "solve s", "objective", "bound", "gap %"])
    for seed in seeds:
        problem = generate(10, 8, seed)
        moved = [
            Assignment(
                a.pedagogue_id, ((a.slot[0] + 1) % 5, a.slot[1]), a.institution_id, a.function
            )
            for a in greedy_assignments(problem)
        ]
        problem = with_previous_plan(problem, moved)
        result = solve(problem, time_limit_s=TIME_LIMITS[8])
        assert not check_hard_rules(problem, result.assignments)
        _row(
            [
                "10/8",
                str(seed),
                result.status.replace("DETERMINISTIC_LIMIT", "DET_LIMIT"),
                f"{result.solve_time_s:.2f}",
                f"{result.objective:.0f}",
                f"{result.best_bound:.0f}",
                f"{100 * result.gap:.2f}",
            ]
        )
        sys.stdout.flush()


def run_replans(pedagogue_counts, samples: int = 50) -> None:
    print("\n## Re-plan after one pedagogue's absence for one day\n")
    _row(["pedagogues", "p50 ms", "p95 ms", "max ms", "lost avg", "pairs chg"])
    for n_pedagogues in pedagogue_counts:
        n_institutions = max(10, round(n_pedagogues * 1.3))
        problem = generate(n_institutions, n_pedagogues, seed=1)
        plan = solve(problem, time_limit_s=TIME_LIMITS.get(n_pedagogues, 10.0))
        rng = random.Random(7)
        timings, lost, pairs = [], [], 0
        for _ in range(samples):
            pedagogue = rng.choice(problem.pedagogues)
            day = rng.randrange(5)
            absence = {pedagogue.id: frozenset(slot for slot in SLOTS if slot[0] == day)}
            started = time.perf_counter()
            result = replan(problem, plan, absence)
            timings.append(1000 * (time.perf_counter() - started))
            lost.append(len(result.lost))
            pairs += result.pairs_changed
        timings.sort()
        _row(
            [
                str(n_pedagogues),
                f"{statistics.median(timings):.2f}",
                f"{timings[int(0.95 * (len(timings) - 1))]:.2f}",
                f"{timings[-1]:.2f}",
                f"{statistics.mean(lost):.2f}",
                str(pairs),
            ]
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="only the two small sizes, one seed")
    args = parser.parse_args()
    if args.quick:
        run_plans(SIZES[:2], seeds=[1])
        run_replans([8, 30], samples=20)
    else:
        run_plans(SIZES, seeds=[1, 2, 3])
        run_moved_week(seeds=[1, 2, 3])
        run_replans([8, 30, 100, 300])


if __name__ == "__main__":
    main()
