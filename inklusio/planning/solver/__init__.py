"""The corps' weekly plan as a constraint-optimisation problem, solved with OR-Tools CP-SAT.

Pure Python (no Django): the planning app turns records into a `PlanningProblem` and stores
the `PlanResult`. Time is counted in half-days (Monday–Friday, morning and afternoon).

`solve` returns a plan that keeps every hard rule (`check_hard_rules`), never worse than the
greedy plan, with `best_bound`: a proven lower bound on `evaluate` over every valid plan, so
`status == "OPTIMAL"` means the plan's `evaluate` equals it. How (`stages.py`, `full.py`):
- the corps is split into parts that share no pedagogue or institution, whose costs add up;
- slot variables exist only for a pedagogue's *candidate* institutions (current attachments
  and their own district);
- a relaxation on counts (stage 1) gives the bound and the pairings; each pedagogue's week is
  then placed exactly (stage 2), and while a gap is left one model of the whole objective,
  warm-started from that plan, improves plan and bound;
- every search is deterministic: the same input gives the same plan on the same machine.
"""

from inklusio.planning.solver.greedy import greedy, greedy_assignments
from inklusio.planning.solver.model import (
    HALF_DAY_HOURS,
    SLOTS,
    Assignment,
    Function,
    InstitutionInput,
    PedagogueInput,
    PlanningProblem,
    PlanResult,
    ReplanResult,
    ShortageFact,
    Slot,
    SupportChildInput,
    Weights,
    count_pairs_changed,
    pairs_of,
)
from inklusio.planning.solver.replan import replan
from inklusio.planning.solver.rules import check_hard_rules, evaluate
from inklusio.planning.solver.shortage import explain_shortage
from inklusio.planning.solver.stages import solve

__all__ = [
    "HALF_DAY_HOURS",
    "SLOTS",
    "Assignment",
    "Function",
    "InstitutionInput",
    "PedagogueInput",
    "PlanResult",
    "PlanningProblem",
    "ReplanResult",
    "ShortageFact",
    "Slot",
    "SupportChildInput",
    "Weights",
    "check_hard_rules",
    "count_pairs_changed",
    "evaluate",
    "explain_shortage",
    "greedy",
    "greedy_assignments",
    "pairs_of",
    "replan",
    "solve",
]
