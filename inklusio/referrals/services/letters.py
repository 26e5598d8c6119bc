"""Decision letters: rendered once, never changed (a re-issue is a new version), marked sent."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record
from inklusio.core.pdf import render_pdf
from inklusio.core.templatetags.danish_dates import short_date
from inklusio.people.models import User
from inklusio.referrals.errors import InvalidInput, NotAllowedNow
from inklusio.referrals.models import APPEAL_WEEKS, Decision, DecisionLetter


def decision_sentence(decision: Decision) -> str:
    """The decision in one plain sentence, as the letter opens with it."""
    group = decision.resource_group
    values = {
        "offer": decision.get_offer_display().lower(),
        "group": group.name if group is not None else "",
        "alternative": decision.alternative,
        "day": short_date(decision.decided_on),
    }
    sentences: dict[str, str] = {
        Decision.Outcome.GRANTED: _("Vi har den %(day)s besluttet at bevilge %(offer)s."),
        Decision.Outcome.REFUSED: _("Vi har den %(day)s besluttet at give afslag på %(offer)s."),
        Decision.Outcome.ALTERNATIVE: _(
            "Vi har den %(day)s besluttet ikke at bevilge %(offer)s, men at tilbyde: %(alternative)s."
        ),
        Decision.Outcome.CONTINUED: _(
            "Vi har revurderet behovet den %(day)s, og %(offer)s fortsætter."
        ),
        Decision.Outcome.CHANGED: _(
            "Vi har den %(day)s besluttet at ændre bevillingen af %(offer)s."
        ),
        Decision.Outcome.ENDED: _("Vi har den %(day)s besluttet, at %(offer)s ophører."),
    }
    sentence = sentences[decision.outcome] % values
    if values["group"] and decision.is_grant:
        sentence += " " + _("Pladsen er i %(group)s.") % values
    return sentence


def letter_context(decision: Decision) -> dict[str, Any]:
    """What the letter template shows: the decision, its sentence and the custody holders in
    force today, each of whom gets a letter of their own."""
    guardians = [
        g.guardian
        for g in decision.child.guardianships.current()
        .filter(has_custody=True)
        .select_related("guardian")
        .order_by("guardian__name")
    ]
    return {
        "decision": decision,
        "decision_sentence": decision_sentence(decision),
        "child": decision.child,
        "municipality": decision.child.municipality,
        "guardians": guardians,
        "today": timezone.localdate(),
        "appeal_weeks": APPEAL_WEEKS,
        "contact": decision.contact_person,
        # The people app keeps no job title: the role names the caseworker's function.
        "contact_title": decision.contact_person.get_role_display(),
    }


def letter_issue(*, actor: User, decision: Decision) -> DecisionLetter:
    """Render and store the letter; it is never changed, a re-issue is a new version."""
    pdf = render_pdf("referrals/letter_pdf.html", letter_context(decision))
    with transaction.atomic():
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        version = (
            locked.letters.order_by("-version").values_list("version", flat=True).first() or 0
        ) + 1
        letter = DecisionLetter.objects.create(
            municipality_id=locked.municipality_id,
            decision=locked,
            version=version,
            pdf=pdf,
            sha256=hashlib.sha256(pdf).hexdigest(),
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=letter,
            child=locked.child,
            changes={"letter_version": {"before": None, "after": version}},
        )
    return letter


def letter_mark_sent(
    *, actor: User, letter: DecisionLetter, sent_on: datetime.date
) -> DecisionLetter:
    """The day a letter was sent starts the four-week appeal deadline, so it is recorded once."""
    with transaction.atomic():
        locked: DecisionLetter = DecisionLetter.objects.select_for_update().get(pk=letter.pk)
        if locked.sent_on:
            raise NotAllowedNow(_("Brevet er allerede registreret som sendt."))
        # The appeal deadline runs from this day: a day to come or before the letter existed
        # would give the family a deadline that is not theirs.
        if sent_on > timezone.localdate():
            raise InvalidInput(
                _("Et brev kan ikke være sendt på en dag, der ikke er kommet."), field="on"
            )
        issued_on = timezone.localdate(locked.created_at)
        if sent_on < issued_on:
            raise InvalidInput(
                _("Brevet blev dannet den %(day)s og kan ikke være sendt før.")
                % {"day": short_date(issued_on)},
                field="on",
            )
        locked.sent_on = sent_on
        locked.save(update_fields=["sent_on"])
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            obj=locked,
            child=locked.decision.child,
            changes={"sent_on": {"before": None, "after": sent_on.isoformat()}},
        )
    return locked
