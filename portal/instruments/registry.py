"""The installed instruments, collected once at start-up from `portal_instruments`."""
import functools
import json

from flask import current_app

from portal.instruments.api import Question
from portal.plugins.host import call_startup_hook


def collect(app, host):
    """Register every plugin's instruments; of two with one id, the second is refused.

    The portal still starts, so the plugins page and `portal plugins` can show what
    clashed; the refused instrument is listed under its plugin.
    """
    found = {}
    for plugin_name, instrument in call_startup_hook(host, "portal_instruments"):
        if host.plugins.get(plugin_name) and host.plugins[plugin_name].status != "loaded":
            continue
        if instrument.id in found:
            host.refuse(plugin_name, f"instrument {instrument.id!r} refused: plugin "
                        f"{found[instrument.id][0]!r} already registers an instrument with "
                        "that id. Rename one of them.")
            continue
        found[instrument.id] = (plugin_name, instrument)
    app.extensions["portal_instruments"] = found


def installed():
    """{instrument id: Instrument} of the plugins that are loaded now, sorted by title."""
    pairs = current_app.extensions.get("portal_instruments", {}).values()
    return {inst.id: inst for _, inst in sorted(pairs, key=lambda p: p[1].title)}


def get(instrument_id):
    return installed().get(instrument_id)


def snapshot(instrument):
    """What a run keeps of its instrument, as JSON: enough to read results without it."""
    return json.dumps({
        "title": instrument.title,
        "summary": instrument.summary,
        "source": instrument.source,
        "shared": instrument.shared,
        "cadence_days": instrument.cadence_days,
        "questions": [q.__dict__ for q in instrument.questions],
    })


def questions_of(run):
    """The run's questions as they were when it opened."""
    return _questions(run.snapshot)


@functools.lru_cache(maxsize=512)
def _questions(snapshot):
    # Built once per snapshot (which never changes): a results page asks several times.
    return tuple(Question.from_snapshot(q) for q in json.loads(snapshot)["questions"])


def live_instrument(run):
    """The installed instrument for a run, or None when its plugin is gone."""
    return get(run.instrument_id)
