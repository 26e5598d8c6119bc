"""Referral and visitation: every state change of a case, with its audit entry.

One module per part of the chain: `referrals` (indstillinger), `committee` (periods, legal bases,
committee meetings), `decisions`, `letters` and `appeals`. The names are re-exported here for
callers outside the app (demo data, tests); reads live in `inklusio.referrals.selectors`."""

from inklusio.referrals.errors import (
    AttachmentRejected,
    CapacityExceeded,
    ConsentMissing,
    DateOutsidePeriod,
    InvalidInput,
    NotAllowedNow,
    PeriodMissing,
)
from inklusio.referrals.services.appeals import (
    appeal_change,
    appeal_register,
    appeal_uphold,
    case_bundle,
)
from inklusio.referrals.services.committee import (
    committee_meeting_create,
    legal_basis_add,
    period_create,
)
from inklusio.referrals.services.decisions import (
    decision_end,
    decision_mark_placed,
    decision_record,
    reassessment_due,
    reassessment_record,
)
from inklusio.referrals.services.letters import (
    decision_sentence,
    letter_context,
    letter_issue,
    letter_mark_sent,
)
from inklusio.referrals.services.referrals import (
    attachment_add,
    referral_add_addendum,
    referral_save,
    referral_submit,
    referral_withdraw,
    sniff_upload,
)
from inklusio.referrals.services.waiting import (
    waiting_list_add,
    waiting_list_move,
    waiting_list_remove,
)

__all__ = [
    "AttachmentRejected",
    "CapacityExceeded",
    "ConsentMissing",
    "DateOutsidePeriod",
    "InvalidInput",
    "NotAllowedNow",
    "PeriodMissing",
    "appeal_change",
    "appeal_register",
    "appeal_uphold",
    "attachment_add",
    "case_bundle",
    "committee_meeting_create",
    "decision_end",
    "decision_mark_placed",
    "decision_record",
    "decision_sentence",
    "legal_basis_add",
    "letter_context",
    "letter_issue",
    "letter_mark_sent",
    "period_create",
    "reassessment_due",
    "reassessment_record",
    "referral_add_addendum",
    "referral_save",
    "referral_submit",
    "referral_withdraw",
    "sniff_upload",
    "waiting_list_add",
    "waiting_list_move",
    "waiting_list_remove",
]
