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
