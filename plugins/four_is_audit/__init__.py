"""The 4 I's partnership audit (seed 001): integrity, integration, insights, impact.

A built-in instrument written against the public API only. Each I is a section of 1-5
criteria plus a free-text evidence question; scoring averages the criteria per I so the
engine can compare the four metrics from one annual audit to the next.

When an audit opens, the evidence the portal holds for each I is gathered and kept with
the run (`evidence`, `models`); the auditors confirm or correct it on the run's evidence
page (`views`), their answer's evidence questions start from what they confirmed or
corrected, and the results page shows each line with its status.
"""
from pathlib import Path

from flask import render_template
from flask_babel import gettext as _

from portal import (decimal, Flag, Interpretation, NavItem, PrefilledAnswer, ResultsPanel, hookimpl,
                    instrument_from_toml)

from . import evidence
from .models import MODELS
from .views import bp

__version__ = "1.0.0"

# Seed 001 gives no threshold for the audit; we use the same reading as the relational
# survey of seed 003, where an average of three or less is a topic for the team.
DISCUSS_AT = 3.0


def _mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def by_i(results):
    """{I name: [answered criterion ItemResults]}, in question order (text answers left out)."""
    groups = {}
    for item in results.items.values():
        if item.question.type == "scale":
            criteria = groups.setdefault(item.question.section, [])
            if item.mean is not None:
                criteria.append(item)
    return {name: criteria for name, criteria in groups.items() if criteria}


def score(results):
    """Mean per I and overall; flag an I averaging 3 or less; name the strongest and weakest I."""
    groups = by_i(results)
    if not groups:
        return Interpretation(headline=_("No ratings yet"), tone="neutral",
                              notes=(_("Nobody has rated the criteria in this run."),))

    means = {name: _mean(item.mean for item in criteria) for name, criteria in groups.items()}
    overall = _mean(means.values())  # each I weighs the same, whatever its number of criteria
    strongest = max(means, key=means.get)
    weakest = min(means, key=means.get)

    if round(overall, 2) >= 4:
        band, tone = _("Strong"), "good"
    elif round(overall, 2) > DISCUSS_AT:
        band, tone = _("Developing"), "warning"
    else:
        band, tone = _("At risk"), "bad"
    if round(means[strongest], 2) == round(means[weakest], 2):
        headline = _("The I's are rated alike (average %(average)s of 5)",
                     average=decimal(overall, 1))
    else:
        headline = _("Strongest: %(strongest)s (%(strongest_mean)s); "
                     "weakest: %(weakest)s (%(weakest_mean)s)",
                     strongest=strongest, strongest_mean=decimal(means[strongest], 1),
                     weakest=weakest, weakest_mean=decimal(means[weakest], 1))

    flags = []
    for name, criteria in groups.items():
        if round(means[name], 2) <= DISCUSS_AT:
            lowest = min(criteria, key=lambda item: item.mean)
            flags.append(Flag(
                title=_("%(name)s is weak", name=name),
                question_id=lowest.question.id,
                detail=_("%(name)s averages %(mean)s of 5; its lowest criterion is "
                         "\u201c%(criterion)s\u201d (%(lowest)s).", name=name,
                         mean=decimal(means[name], 2), criterion=lowest.question.text,
                         lowest=decimal(lowest.mean, 2)),
                suggested_action=lowest.question.guidance or _(
                    "Agree with the vendor one change that would raise %(name)s "
                    "before the next audit.", name=name.lower())))

    strengths = tuple(item.question.id for item in groups[strongest] if item.mean >= 4)
    notes = []
    evidence = sum(len(item.texts) for item in results.items.values()
                   if item.question.type == "text")
    if not evidence:
        notes.append(_("No evidence was written down this year; a line or two per I makes "
                       "next year's comparison easier to trust."))

    metrics = {name: round(mean, 2) for name, mean in means.items()}
    metrics["Overall"] = round(overall, 2)
    return Interpretation(headline=headline, band=band, tone=tone, flags=tuple(flags),
                          strengths=strengths, notes=tuple(notes), metrics=metrics)


INSTRUMENT = instrument_from_toml(Path(__file__).parent / "instrument.toml", score=score)
SOURCE = INSTRUMENT.source


@hookimpl
def portal_instruments():
    return INSTRUMENT


@hookimpl
def portal_models():
    return MODELS


@hookimpl
def portal_migrations():
    return Path(__file__).parent / "migrations"


@hookimpl
def portal_blueprints():
    return bp


@hookimpl
def portal_run_opened(run, partnership):
    """Keep the evidence as it stands when the audit opens, not as it will stand later."""
    if run.instrument_id == INSTRUMENT.id:
        evidence.store(run, partnership)


@hookimpl
def portal_prefilled_answers(run, partnership, user):
    if run.instrument_id != INSTRUMENT.id:
        return None
    lines = evidence.lines_of(run.id, partnership.id)
    return [PrefilledAnswer(question_id, text)
            for question_id, text in evidence.prefill(lines, user.id).items()]


@hookimpl
def portal_results_panels(run, partnership):
    if run.instrument_id != INSTRUMENT.id:
        return None
    lines = evidence.lines_of(run.id, partnership.id)
    if not lines:
        return None
    return ResultsPanel(_("Evidence gathered when the audit opened"), render_template(
        "four_is_audit/panel.html", groups=evidence.by_i(lines), partnership=partnership,
        run=run), weight=20)


@hookimpl
def portal_navigation_items(partnership, membership):
    """A tab to the audits' evidence (no statement: the tab is on every partnership page)."""
    if membership is None:
        return None
    return NavItem.tab(_("4 I's audit"), "four_is_audit.index", partnership, weight=57)
