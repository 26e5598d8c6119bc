"""The partner directory's records for tests: Pia's organisation and her profile in it, made on
first use (the cast itself has partners without a directory, as before issue 18.3)."""

from inklusio.partners.models import OrganisationKind, PartnerOrganisation, PartnerProfile

PARTNER_TARGETS = {"organisation_ishoj", "profile_pia"}


def organisation(cast) -> PartnerOrganisation:
    found, _ = PartnerOrganisation.objects.get_or_create(
        municipality=cast.ishoj,
        name="PPR Ishøj",
        defaults={"kind": OrganisationKind.PPR, "email": "ppr@ishoj.invalid"},
    )
    return found


def profile(cast, user=None) -> PartnerProfile:
    user = user or cast.pia
    found, _ = PartnerProfile.objects.get_or_create(
        user=user,
        defaults={
            "municipality": cast.ishoj,
            "organisation": organisation(cast),
            "created_by": cast.alice,
        },
    )
    return found


def partner_target(cast, name: str):
    return organisation(cast) if name == "organisation_ishoj" else profile(cast)
