"""Where demand exceeds what the corps can give, explained before solving."""

from __future__ import annotations

from inklusio.planning.solver.model import (
    PlanningProblem,
    ShortageFact,
    _candidates,
    _support_demand,
)


def explain_shortage(problem: PlanningProblem) -> list[ShortageFact]:
    """Where demand exceeds what the corps can give, in half-days, computed from capacities."""
    facts: list[ShortageFact] = []
    support = _support_demand(problem)
    demand = {
        i.id: i.resource_demand_half_days + support.get(i.id, 0) for i in problem.institutions
    }
    capacity = {p.id: problem.capacity(p) for p in problem.pedagogues}
    total_demand, total_capacity = sum(demand.values()), sum(capacity.values())
    if total_demand > total_capacity:
        facts.append(
            ShortageFact(
                "municipality", "", total_demand, total_capacity, total_demand - total_capacity
            )
        )
    districts = {i.district for i in problem.institutions if i.district}
    for district in sorted(districts):
        district_demand = sum(demand[i.id] for i in problem.institutions if i.district == district)
        district_capacity = sum(
            capacity[p.id] for p in problem.pedagogues if p.district == district
        )
        has_pedagogues = any(p.district for p in problem.pedagogues)
        if has_pedagogues and district_demand > district_capacity:
            facts.append(
                ShortageFact(
                    "district",
                    district,
                    district_demand,
                    district_capacity,
                    district_demand - district_capacity,
                )
            )
    for institution in problem.institutions:
        reachable = [p for p in problem.pedagogues if institution.id in _candidates(problem, p)]
        if demand[institution.id] and not reachable:
            facts.append(
                ShortageFact(
                    "institution", institution.id, demand[institution.id], 0, demand[institution.id]
                )
            )
    return facts
