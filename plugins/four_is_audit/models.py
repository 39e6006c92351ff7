"""The evidence of a 4 I's audit, as it stood when the audit opened, and what each
auditor said of it.

A line is written once, by `portal_run_opened`, and never updated: the audit shows what
was true when it opened, not what is true today. A review is one auditor confirming a
line or correcting it (with the corrected text and a reason); reviews are only added,
so every correction is kept with who made it and when, and the latest review of each
auditor counts.

Their shape is also spelled out by the steps in `migrations/`; a change here needs a
new step there (`portal db revision four_is_audit <name>`).
"""
import datetime

import peewee

from portal import Model


def _now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class EvidenceLine(Model):
    run_id = peewee.IntegerField(index=True)
    partnership_id = peewee.IntegerField(index=True)
    position = peewee.IntegerField()
    i = peewee.CharField(max_length=16)  # Integrity, Integration, Insights or Impact
    text = peewee.TextField()
    url = peewee.CharField(max_length=500, default="")
    figure = peewee.CharField(max_length=80, default="")
    starts_on = peewee.DateField(null=True)
    ends_on = peewee.DateField(null=True)
    gathered_at = peewee.DateTimeField(default=_now)

    class Meta:
        table_name = "four_is_audit_evidence_line"


class EvidenceReview(Model):
    line = peewee.ForeignKeyField(EvidenceLine, backref="reviews", on_delete="CASCADE")
    user_id = peewee.IntegerField()
    user_name = peewee.CharField(max_length=200)  # as the auditor was called then
    verdict = peewee.CharField(max_length=16)  # confirmed or corrected
    text = peewee.TextField(default="")  # the corrected text
    reason = peewee.TextField(default="")
    at = peewee.DateTimeField(default=_now)

    class Meta:
        table_name = "four_is_audit_evidence_review"


MODELS = [EvidenceLine, EvidenceReview]
