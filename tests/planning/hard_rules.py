"""The planner's hard rules written again from their description, not from the solver's code,
so the property tests have an oracle that does not share the solver's mistakes.

The description (plan page, `docs/glossary.md`, the Ishøj evaluation): a pedagogue is in one
place per half-day; never on a half-day they are absent or at the centre meeting (holidays
arrive as absences); never more half-days than the contract gives; at most `max_institutions`
institutions a week; never both the resource and the support function in one institution; a
child with a support pedagogue has one pedagogue, in the child's own institution; half-days
the corps leader locked stay in the plan.

Only the solver's input and output *data* are read here, never its functions.
"""

from collections import Counter

TWICE = "one place per half-day"
UNAVAILABLE = "absent or at the centre meeting"
CONTRACT = "within the contract"
INSTITUTIONS = "at most max_institutions institutions"
BOTH_FUNCTIONS = "one function per institution"
CHILD_ELSEWHERE = "a child is served in its own institution"
CHILD_SHARED = "a child has one support pedagogue"
LOCKED = "locked half-days are kept"


def broken_rules(problem, assignments) -> set[str]:
    """The names of the hard rules the plan breaks; empty for a valid plan."""
    plan = list(assignments)
    broken: set[str] = set()
    pedagogues = {p.id: p for p in problem.pedagogues}
    child_home = {c.id: c.institution_id for c in problem.support_children}

    if any(n > 1 for n in Counter((a.pedagogue_id, a.slot) for a in plan).values()):
        broken.add(TWICE)
    for a in plan:
        blocked = set(pedagogues[a.pedagogue_id].unavailable_slots)
        blocked |= set(problem.centre_meeting_slots)
        if a.slot in blocked:
            broken.add(UNAVAILABLE)
    for pedagogue_id, count in Counter(a.pedagogue_id for a in plan).items():
        if count > pedagogues[pedagogue_id].max_half_days:
            broken.add(CONTRACT)
    places: dict[str, set[str]] = {}
    functions: dict[tuple[str, str], set[str]] = {}
    for a in plan:
        places.setdefault(a.pedagogue_id, set()).add(a.institution_id)
        functions.setdefault((a.pedagogue_id, a.institution_id), set()).add(str(a.function))
    if any(len(where) > problem.max_institutions for where in places.values()):
        broken.add(INSTITUTIONS)
    if any(len(kinds) > 1 for kinds in functions.values()):
        broken.add(BOTH_FUNCTIONS)
    served_by: dict[str, set[str]] = {}
    for a in plan:
        if a.child_id is None:
            continue
        served_by.setdefault(a.child_id, set()).add(a.pedagogue_id)
        if child_home[a.child_id] != a.institution_id:
            broken.add(CHILD_ELSEWHERE)
    if any(len(who) > 1 for who in served_by.values()):
        broken.add(CHILD_SHARED)
    kept = {(a.pedagogue_id, a.slot, a.institution_id, str(a.function), a.child_id) for a in plan}
    for lock in problem.locked:
        key = (lock.pedagogue_id, lock.slot, lock.institution_id, str(lock.function), lock.child_id)
        if key not in kept:
            broken.add(LOCKED)
    return broken
