"""The rules of a consultative meeting that read data but change nothing: whether a consent
covers the meeting, and whether a text names a child. The services enforce them."""

from __future__ import annotations

import re

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from inklusio.children.models import Child
from inklusio.meetings.models import ConsultativeMeeting, DiscussionConsent
from inklusio.organisation.models import Institution
from inklusio.people.models import Profession, User
from inklusio.referrals.models import Referral

CPR_LIKE = re.compile(r"\b\d{6}[-\s]?\d{4}\b")


def valid_consent(child: Child, meeting: ConsultativeMeeting) -> DiscussionConsent | None:
    """A consent in force on the meeting day that names every profession at the meeting."""
    needed = meeting.professions
    consents: QuerySet[DiscussionConsent] = child.discussion_consents.all()
    for consent in consents:
        if consent.covers(needed, meeting.date):
            return consent
    return None


def text_warnings(text: str, institution: Institution) -> list[str]:
    """What makes a text name a child: a CPR-like number, or the first name of a child in the
    institution (also one who has left: the name still identifies them)."""
    warnings = []
    if CPR_LIKE.search(text):
        warnings.append(_("Teksten ser ud til at indeholde et CPR-nummer."))
    words = {word.strip(".,;:!?()'\"").lower() for word in text.split()}
    names = set(Child.objects.filter(institution=institution).values_list("first_name", flat=True))
    found = sorted(name for name in names if name.lower() in words)
    if found:
        warnings.append(
            _("Teksten nævner et navn, som et barn i institutionen har: %(names)s.")
            % {"names": ", ".join(found)}
        )
    return warnings


def consent_wording(
    *,
    child: Child,
    scope: str,
    professions: list[str],
    referral: Referral | None,
    partner: User | None,
) -> str:
    """The text a guardian agrees to, kept with the consent (also for staff-recorded ones)."""
    name = child.full_name
    if scope == DiscussionConsent.Scope.REFERRAL and referral is not None:
        return _(
            "Jeg giver samtykke til, at %(child)s indstilles til %(offer)s, og at "
            "visitationsudvalget får de oplysninger, indstillingen indeholder."
        ) % {"child": name, "offer": referral.get_offer_display().lower()}
    if scope == DiscussionConsent.Scope.PARTNER and partner is not None:
        return _(
            "Jeg giver samtykke til, at %(partner)s (%(profession)s) ser og arbejder med "
            "%(child)s' sag i den periode, de er inviteret til."
        ) % {
            "partner": partner.get_full_name() or partner.username,
            "profession": partner.get_profession_display() or _("samarbejdspartner"),
            "child": name,
        }
    labels = ", ".join(str(Profession(p).label) for p in professions if p in Profession.values)
    return _(
        "Jeg giver samtykke til, at %(child)s drøftes med navn på institutionens konsultative "
        "møder med disse faggrupper: %(professions)s."
    ) % {"child": name, "professions": labels}
