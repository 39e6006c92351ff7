"""Likelihood to renew: a Net Promoter question on a 0-10 scale, for Partnership Portal."""
from pathlib import Path

from flask import render_template

from portal import (DashboardCard, Flag, Interpretation, ResultsPanel, hookimpl,
                    instrument_from_toml, instrument_runs, results_for_run)

__version__ = "1.0.0"
TARGET = 20  # the score both sides agreed to reach


def nps(item):
    """% promoters (9-10) minus % detractors (0-6); None before anyone answered."""
    answered = sum(item.distribution.values())
    if not answered:
        return None
    promoters = item.distribution[9] + item.distribution[10]
    detractors = sum(item.distribution[point] for point in range(0, 7))
    return round(100 * (promoters - detractors) / answered)


def score(results):
    value = nps(results.items["recommend"])
    if value is None:
        return Interpretation("No answers yet")
    flags = ()
    if value < TARGET:
        flags = (Flag(f"The renewal score is {value}, below the target of {TARGET}",
                      "recommend", suggested_action="Ask both teams what would change it"),)
    return Interpretation(headline=f"Renewal score {value:+d} (target {TARGET:+d})",
                          tone="bad" if flags else "good", flags=flags,
                          metrics={"Renewal score": value})


INSTRUMENT = instrument_from_toml(Path(__file__).parent / "instrument.toml", score=score)


@hookimpl
def portal_instruments():
    return INSTRUMENT


@hookimpl
def portal_template_folders():
    return Path(__file__).parent / "templates"


@hookimpl
def portal_results_panels(instrument, results):
    """The score of each side next to the target, when the run shows sides."""
    if instrument.id != INSTRUMENT.id:
        return None
    sides = {side: nps(side_results.items["recommend"])
             for side, side_results in results.by_side.items()}
    return ResultsPanel("Renewal score by side",
                        render_template("renewal/panel.html", sides=sides, target=TARGET,
                                        overall=nps(results.items["recommend"])))


@hookimpl
def portal_dashboard_cards(partnership, membership):
    """The latest visible score on the partnership's overview page."""
    if membership is None:
        return None
    for run in instrument_runs(INSTRUMENT.id):
        results = results_for_run(run.id)
        if results is not None:
            value = nps(results.items["recommend"])
            return DashboardCard("Likelihood to renew",
                                 render_template("renewal/card.html", run=run, value=value,
                                                 target=TARGET),
                                 weight=40, tone="good" if value >= TARGET else "warning")
    return None
