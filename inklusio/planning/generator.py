"""Random but realistic planning problems, reproducible from a seed (benchmarks and tests)."""

from __future__ import annotations

import random

from inklusio.planning.solver import (
    SLOTS,
    Function,
    InstitutionInput,
    PedagogueInput,
    PlanningProblem,
    SupportChildInput,
)

INSTITUTIONS_PER_DISTRICT = 10
CENTRE_MEETING = frozenset({(1, 1)})  # Tuesday afternoon


def generate(n_institutions: int, n_pedagogues: int, seed: int) -> PlanningProblem:
    """A municipality like Ishøj, scaled: districts of ten institutions, small ones asking for
    4–6 half-days and large ones 8–10, a support child per 1.5 pedagogues, each pedagogue
    attached to two institutions in the resource and one in the support function."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    districts = max(1, n_institutions // INSTITUTIONS_PER_DISTRICT)
    institutions = []
    for index in range(n_institutions):
        large = rng.random() < 0.4
        institutions.append(
            InstitutionInput(
                id=f"i{index}",
                resource_demand_half_days=rng.randint(8, 10) if large else rng.randint(4, 6),
                district=f"d{index % districts}",
            )
        )
    by_district: dict[str, list[InstitutionInput]] = {}
    for institution in institutions:
        by_district.setdefault(institution.district or "", []).append(institution)
    pedagogues = []
    for index in range(n_pedagogues):
        district = f"d{index % districts}"
        local = by_district[district]
        chosen = rng.sample(local, k=min(3, len(local)))
        attachments = {i.id: Function.RESOURCE for i in chosen[:2]}
        if len(chosen) == 3:
            attachments[chosen[2].id] = Function.SUPPORT
        absent = frozenset(rng.sample(list(SLOTS), k=2)) if rng.random() < 0.15 else frozenset()
        pedagogues.append(
            PedagogueInput(
                id=f"p{index}",
                max_half_days=9,
                unavailable_slots=absent,
                current_attachments=attachments,
                district=district,
            )
        )
    support_institutions = [
        institution
        for pedagogue in pedagogues
        for institution, function in pedagogue.current_attachments.items()
        if function == Function.SUPPORT
    ]
    children = tuple(
        SupportChildInput(id=f"c{index}", institution_id=institution, demand_half_days=3)
        for index, institution in enumerate(
            rng.sample(
                support_institutions, k=min(len(support_institutions), int(n_pedagogues / 1.5))
            )
        )
    )
    return PlanningProblem(
        pedagogues=tuple(pedagogues),
        institutions=tuple(institutions),
        support_children=children,
        centre_meeting_slots=CENTRE_MEETING,
    )


def with_previous_plan(problem: PlanningProblem, assignments) -> PlanningProblem:
    """The same week again, with `assignments` as last week's plan (for stability figures)."""
    return PlanningProblem(
        pedagogues=problem.pedagogues,
        institutions=problem.institutions,
        support_children=problem.support_children,
        centre_meeting_slots=problem.centre_meeting_slots,
        locked=problem.locked,
        previous_plan=tuple(assignments),
        max_institutions=problem.max_institutions,
        weights=problem.weights,
    )
