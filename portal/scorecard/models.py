"""What the Health tab stores: the benefits each party expects and their values, each
person's ratings, and the health score worked out per month (with any override)."""
import peewee
from flask_babel import lazy_gettext as _l

from portal.accounts.models import User, utcnow
from portal.db import BaseModel
from portal.partnerships.models import Partnership

SIDES = (("client", _l("Client")), ("supplier", _l("Supplier")))
#: Seed 003 #7: relational components are measured alongside the economic benefits.
KINDS = (("economic", _l("Economic")), ("relational", _l("Relational")))
DIRECTIONS = (("higher", _l("Higher is better")), ("lower", _l("Lower is better")))
#: What each person rates: the partnership as a whole, and the other party as a partner.
SUBJECTS = (("partnership", _l("The partnership")), ("partner", _l("The other party")))


class Benefit(BaseModel):
    """A benefit one party expects from the partnership (seed 003 #3)."""

    partnership = peewee.ForeignKeyField(Partnership, on_delete="CASCADE")
    side = peewee.CharField(max_length=16)  # the party that expects it
    kind = peewee.CharField(max_length=16)
    name = peewee.CharField(max_length=160)
    unit = peewee.CharField(max_length=40, default="")
    target = peewee.DoubleField(null=True)
    direction = peewee.CharField(max_length=8, default="higher")
    owner = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    cadence_days = peewee.IntegerField(default=30)  # a value older than this is stale
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = peewee.DateTimeField(default=utcnow)

    @property
    def kind_label(self):
        return dict(KINDS).get(self.kind, self.kind)

    @property
    def side_label(self):
        return dict(SIDES).get(self.side, self.side)


class BenefitValue(BaseModel):
    benefit = peewee.ForeignKeyField(Benefit, backref="values", on_delete="CASCADE")
    measured_on = peewee.DateField()
    value = peewee.DoubleField()
    note = peewee.CharField(max_length=300, default="")
    recorded_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    recorded_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("benefit", "measured_on"), False),)


class Rating(BaseModel):
    """One person's rating (1-5) of the partnership or of the other party. Every rating
    is kept, so the trend shows how each side's view moved; the latest counts."""

    partnership = peewee.ForeignKeyField(Partnership, on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, on_delete="CASCADE")
    side = peewee.CharField(max_length=16)  # the rater's side
    subject = peewee.CharField(max_length=16)
    score = peewee.IntegerField()
    comment = peewee.TextField(default="")
    rated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("partnership", "rated_at"), False),)


class HealthScore(BaseModel):
    """The health of a partnership in one month (`period`: its first day), worked out
    from the measures and stored, so pages read a row instead of recomputing.

    `computed_at` None means "to be worked out again". The override columns are set
    and cleared only by a person: working the score out again never touches them.
    """

    partnership = peewee.ForeignKeyField(Partnership, on_delete="CASCADE")
    period = peewee.DateField()
    score = peewee.DoubleField(null=True)  # None: no data in this month
    band = peewee.CharField(max_length=16, default="no_data")
    stale = peewee.IntegerField(default=0)
    measures = peewee.TextField(default="[]")  # JSON: what the score was made of
    computed_at = peewee.DateTimeField(null=True)
    override_score = peewee.DoubleField(null=True)
    override_reason = peewee.TextField(default="")
    override_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    override_at = peewee.DateTimeField(null=True)
    override_computed = peewee.DoubleField(null=True)  # the computed score at that moment

    class Meta:
        indexes = ((("partnership", "period"), True),)


TABLES = [Benefit, BenefitValue, Rating, HealthScore]
