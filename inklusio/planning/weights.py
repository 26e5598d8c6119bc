"""The solver's soft goals explained in Danish, for the plan page."""

from django.utils.translation import gettext_lazy as _

from inklusio.planning.solver import Weights

_EXPLAINED = [
    (
        "unmet_half_day",
        _("Dæk behovet"),
        _(
            "Hver halve dag, et barn eller en institution ikke får den hjælp, der er lovet, koster mest."
        ),
    ),
    (
        "new_pair",
        _("Kontinuitet: ingen nye par"),
        _(
            "Institutionerne ønsker ikke at skifte pædagog; en ny pædagog–institution-kobling koster."
        ),
    ),
    (
        "dropped_pair",
        _("Kontinuitet: behold nuværende par"),
        _("At slippe en nuværende kobling bryder et igangværende samarbejde."),
    ),
    (
        "midday_switch",
        _("Få skift midt på dagen"),
        _("Et skift af institution ved middagstid koster transport og en brudt halv dag."),
    ),
    (
        "weekday_change",
        _("Samme ugedage som sidst"),
        _("Faste dage gør det let for institutionerne at planlægge omkring besøgene."),
    ),
]


def explained_weights(weights: Weights | None = None) -> list[dict]:
    weights = weights or Weights()
    return [
        {"label": label, "value": getattr(weights, name), "why": why}
        for name, label, why in _EXPLAINED
    ]
