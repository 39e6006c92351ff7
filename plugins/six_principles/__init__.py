"""The six-principles health check (seed 000): commitment, communication, credibility,
clarity, cadence and collaboration, rated by both the client and the supplier.

A built-in instrument written against the public API only. Each principle is a section
of one or two 1-5 items. Besides weak principles, scoring looks for principles on which
the two sides disagree, because seed 000 reports that suppliers tend to rate their
client relationships higher than the clients do, and such a gap goes unseen when only
the overall average is read.
"""
from pathlib import Path

from flask_babel import gettext as _

from portal import Flag, Interpretation, decimal, hookimpl, instrument_from_toml

__version__ = "1.0.0"

WEAK_AT = 3.0  # a principle averaging 3 or less is flagged (same reading as seed 003)
DIVERGE_AT = 1.0  # sides a full scale point apart see the partnership differently
SIDES = ("client", "supplier")


def _mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def principles(items):
    """{principle: [answered ItemResults]} from a {question id: ItemResult} mapping."""
    groups = {}
    for item in items.values():
        if item.question.type == "scale" and item.mean is not None:
            groups.setdefault(item.question.section, []).append(item)
    return groups


def _means(groups):
    return {name: _mean(item.mean for item in group) for name, group in groups.items()}


def side_means(by_side):
    """(client, supplier) {principle: mean} from `results.by_side`, whose values are
    Results of one side each; a side missing from `by_side` gives {}."""
    by_side = by_side or {}
    return tuple(_means(principles(by_side[side].items)) if side in by_side else {}
                 for side in SIDES)


def score(results):
    """Mean per principle and overall; flag weak principles and diverging sides."""
    groups = principles(results.items)
    if not groups:
        return Interpretation(headline=_("No ratings yet"), tone="neutral",
                              notes=(_("Nobody has rated the statements in this run."),))
    means = _means(groups)
    overall = _mean(means.values())  # each principle weighs the same
    lowest = min(means, key=means.get)

    if round(overall, 2) >= 4:
        band, tone, phrase = _("Strong"), "good", _("A healthy partnership")
    elif round(overall, 2) > WEAK_AT:
        band, tone, phrase = _("Developing"), "warning", _("A partnership with work to do")
    else:
        band, tone, phrase = _("At risk"), "bad", _("A partnership in trouble")
    headline = _("%(headline)s (average %(average)s of 5)", headline=phrase,
                 average=decimal(overall, 1))
    if round(means[lowest], 2) < round(max(means.values()), 2):
        headline = _("%(headline)s; lowest-rated principle: %(principle)s",
                     headline=headline, principle=lowest)

    flags = []
    for name, group in groups.items():
        if round(means[name], 2) <= WEAK_AT:
            worst = min(group, key=lambda item: item.mean)
            flags.append(Flag(
                title=_("%(name)s is weak", name=name),
                question_id=worst.question.id,
                detail=_("%(name)s averages %(mean)s of 5 across both sides.",
                         name=name, mean=decimal(means[name], 2)),
                suggested_action=worst.question.guidance))

    notes = []
    metrics = {name: round(mean, 2) for name, mean in means.items()}
    metrics["Overall"] = round(overall, 2)
    client, supplier = side_means(results.by_side)
    gaps = {name: supplier[name] - client[name] for name in client if name in supplier}
    if gaps:
        for name, gap in gaps.items():
            if round(abs(gap), 2) >= DIVERGE_AT:
                if gap > 0:
                    detail = _("Client side %(client)s, supplier side %(supplier)s: "
                               "suppliers rate it %(gap)s points higher.",
                               client=decimal(client[name], 2),
                               supplier=decimal(supplier[name], 2), gap=decimal(abs(gap), 2))
                else:
                    detail = _("Client side %(client)s, supplier side %(supplier)s: "
                               "clients rate it %(gap)s points higher.",
                               client=decimal(client[name], 2),
                               supplier=decimal(supplier[name], 2), gap=decimal(abs(gap), 2))
                flags.append(Flag(
                    title=_("Views diverge on %(name)s", name=name),
                    question_id=groups[name][0].question.id if name in groups else None,
                    detail=detail,
                    suggested_action=_("Hold a joint session where each side explains its "
                                       "rating of %(name)s with examples, and agree one "
                                       "change both sides will notice.", name=name.lower())))
        average_gap = _mean(gaps.values())
        metrics["Gap (supplier - client)"] = round(average_gap, 2)
        notes.append(_gap_note(average_gap))
    else:
        notes.append(_("Client and supplier ratings cannot be compared for this run (sides "
                       "are not shown when it is anonymous or one side has too few answers)."))

    strengths = tuple(item.question.id for item in
                      sorted((i for g in groups.values() for i in g if i.mean >= 4),
                             key=lambda item: -item.mean)[:3])
    return Interpretation(headline=headline, band=band, tone=tone, flags=tuple(flags),
                          strengths=strengths, notes=tuple(notes), metrics=metrics)


def _gap_note(gap):
    """Say which side rates higher overall, set against the pattern seed 000 reports."""
    if round(gap, 1) > 0:
        return _("On average suppliers rate the partnership %(gap)s points higher than "
                 "clients. That matches the research behind the six principles, where "
                 "suppliers usually judged relationships more kindly than their clients "
                 "did, so ask what the client side sees that the supplier side does not.",
                 gap=decimal(gap, 2))
    if round(gap, 1) < 0:
        return _("On average clients rate the partnership %(gap)s points higher than "
                 "suppliers, the reverse of the usual pattern in which suppliers are the "
                 "more positive side; ask what is worrying the supplier side.", gap=decimal(-gap, 2))
    return _("On average both sides rate the partnership about the same.")


INSTRUMENT = instrument_from_toml(Path(__file__).parent / "instrument.toml", score=score)
SOURCE = INSTRUMENT.source


@hookimpl
def portal_instruments():
    return INSTRUMENT
