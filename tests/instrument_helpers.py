"""A small instrument for engine tests, written as a third party would."""
import textwrap

PULSE = '''
from portal import Flag, Instrument, Interpretation, Question, hookimpl

__version__ = "{version}"


def score(results):
    flags = tuple(Flag(f"Low: {{item.question.text}}", item.question.id,
                       suggested_action="Talk it through")
                  for item in results.items.values()
                  if item.question.type == "scale" and item.mean is not None and item.mean <= 3)
    overall = results.items["trust"].mean
    return Interpretation(headline=f"Trust averages {{overall:.2f}}", band="Pulse",
                          tone="bad" if flags else "good", flags=flags,
                          metrics={{"Trust": overall}})


INSTRUMENT = Instrument(
    id="pulse", version="{version}", title="Pulse check", summary="A quick pulse.",
    source="Test suite", anonymous={anonymous}, cadence_days=90, cadence_label="quarterly",
    questions=(
        Question("trust", "We trust each other.", low_label="Not at all", high_label="Completely"),
        Question("pace", "The pace suits us.", section="Ways of working"),
        Question("meets", "Do we meet every month?", type="yesno"),
        Question("hours", "Hours spent together last month", type="number", minimum=0,
                 maximum=200, unit="hours", required=False),
        Question("mood", "Mood", type="choice", choices=[["up", "Up"], ["down", "Down"]],
                 required=False),
        Question("comment", "Anything else?", type="text", required=False),
    ),
    score={score},
)


@hookimpl
def portal_instruments():
    return INSTRUMENT
'''


def write_pulse(folder, anonymous=False, version="1.0", score="score", name="pulse"):
    (folder / f"{name}.py").write_text(textwrap.dedent(
        PULSE.format(anonymous=anonymous, version=version, score=score)))


# --- a "likelihood to renew" (NPS) instrument, as an outside developer would write it ---

NPS_TOML = '''\
# Likelihood to renew: the Net Promoter question on a 0-10 scale.
[instrument]
id = "nps"
version = "1.0.0"
title = "Likelihood to renew"
summary = """
One question on a 0 to 10 scale, asked every quarter.
minimum = 3 inside a text is not a key."""
source = "Test suite, after F. Reichheld's Net Promoter Score"
cadence_days = 91
cadence_label = "quarterly"
anonymous = false
min_responses = 3

[[question]]
id = "renew"
text = "How likely are you to recommend renewing this partnership?"
type = "scale"
minimum = 0
maximum = 10
low_label = "Not at all likely"
high_label = "Extremely likely"

[[question]]
id = "meetings"
text = "How many review meetings a year would be right?"
type = "choice"
required = false
choices = [
  [2, "Two"],
  [4, "Four"],
  [12, "Twelve"]
]

[[question]]
id = "why"
text = "What is the main reason for your score?"
type = "text"
required = false
'''

NPS_PLUGIN = '''\
from pathlib import Path

from flask import Blueprint
from markupsafe import Markup

from portal import Flag, Interpretation, hookimpl, instrument_from_toml

from portal import ResultsPanel, results_for_run

__version__ = "1.0.0"
TARGET = 20  # the NPS the partnership agreed to reach
SEEN = []  # what the panel hook received, for the tests


def nps(item):
    """Net Promoter Score from the typed 0-10 distribution: % 9-10 minus % 0-6."""
    dist = item.distribution
    answered = sum(dist.values())
    if not answered:
        return None
    promoters = dist[9] + dist[10]
    detractors = sum(dist[point] for point in range(0, 7))
    return round(100 * (promoters - detractors) / answered)


def score(results):
    value = nps(results.items["renew"])
    if value is None:
        return Interpretation(headline="No answers yet")
    metrics = {"NPS": value}
    for side, side_results in results.by_side.items():
        metrics[f"NPS, {side} side"] = nps(side_results.items["renew"])
    flags = ()
    if value < TARGET:
        flags = (Flag(f"NPS {value:+d} is below the target of {TARGET:+d}", "renew",
                      suggested_action="Ask the detractors' side what would change their mind."),)
    return Interpretation(headline=f"Net Promoter Score {value:+d}",
                          tone="bad" if flags else "good", flags=flags, metrics=metrics)


INSTRUMENT = instrument_from_toml(Path(__file__).parent / "instrument.toml", score=score)


@hookimpl
def portal_instruments():
    return INSTRUMENT


bp = Blueprint("nps", __name__)


@bp.route("/partnerships/<int:partnership_id>/nps/<int:run_id>")
def compare(partnership_id, run_id):
    """The run's NPS against the target, from the results API (or why there is none)."""
    results = results_for_run(run_id)
    if results is None:
        return "No results to compare."
    return f"NPS {nps(results.items['renew']):+d} against a target of {TARGET:+d}"


@hookimpl
def portal_blueprints():
    return bp


@hookimpl
def portal_results_panels(instrument, run, partnership, results):
    if instrument.id != "nps":
        return None
    SEEN.append((run, partnership, results))
    read_again = results_for_run(run.id)  # the API a plugin page would use
    dist = results.items["renew"].distribution
    rows = Markup("").join(
        Markup("<li>{}: {}</li>").format(name, sum(dist[p] for p in points))
        for name, points in (("Promoters (9-10)", (9, 10)), ("Passives (7-8)", (7, 8)),
                             ("Detractors (0-6)", range(0, 7))))
    body = Markup('<p data-testid="nps-value">NPS {:+d} against a target of {:+d} '
                  '({} responses, read again: {}).</p><ul>{}</ul>').format(
        nps(results.items["renew"]), TARGET, results.responses,
        "yes" if read_again is not None and read_again.responses == results.responses else "no",
        rows)
    return ResultsPanel("Renewal outlook", body, weight=10)
'''


def write_nps(folder, toml=NPS_TOML, name="nps"):
    """The NPS instrument as a plugin package folder: __init__.py and instrument.toml."""
    package = folder / name
    package.mkdir(exist_ok=True)
    (package / "__init__.py").write_text(NPS_PLUGIN)
    (package / "instrument.toml").write_text(toml)
    return package / "instrument.toml"
