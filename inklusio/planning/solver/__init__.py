"""The corps' weekly plan as a constraint-optimisation problem, solved with OR-Tools CP-SAT.

Pure Python (no Django): the planning app turns records into a `PlanningProblem` and stores
the `PlanResult`. Time is counted in half-days (Monday–Friday, morning and afternoon).

The formulation avoids the slow naive slot-by-slot model in three ways:
- attachment variables y[p, i, f] (pedagogue p serves institution i in function f) carry the
  structural rules (≤ 3 institutions, never both functions), and slot variables are only made
  for a pedagogue's *candidate* institutions (current attachments and their own district);
- coverage is capped at demand, so equivalent plans that merely over-serve are cut away;
- the greedy plan is given as a hint, so the solver is never worse than greedy, and large
  municipalities are decomposed by district and solved district by district.
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
