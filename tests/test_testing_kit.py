"""portal.testing, as a plugin author uses it: the fixtures, and results built without an
app that are exactly what the portal computes from the same answers."""
import pytest
from instrument_helpers import write_pulse

from portal.testing import results_of

ANSWERS = [
    {"trust": 5, "pace": 2, "meets": True, "hours": 12, "mood": "up", "comment": "Keep going"},
    {"trust": 4, "pace": 3, "meets": False, "hours": 7.5, "mood": "down", "comment": "Faster"},
    {"trust": 2, "pace": 3, "meets": True, "mood": "up"},
    {"trust": 4, "pace": 5, "meets": True, "hours": 0, "comment": "All good"},
]
SIDES = ["client", "supplier", "client", "supplier"]


@pytest.fixture
def portal_plugins(tmp_path):
    """The plugin under test: the engine tests' pulse instrument, from the plugins folder."""
    (tmp_path / "plugins").mkdir()
    write_pulse(tmp_path / "plugins")
    return ["pulse", "stage_guide"]


def test_only_the_named_plugins_are_loaded_and_failures_raise(portal_app):
    plugins = portal_app.extensions["portal_plugins"]
    assert plugins.strict
    assert plugins.plugins["pulse"].status == plugins.plugins["stage_guide"].status == "loaded"
    assert plugins.plugins["relational_survey"].status == "disabled"
    assert set(portal_app.extensions["portal_instruments"]) == {"pulse"}


def test_results_built_without_an_app_are_the_portals_own(portal_app, portal_answers):
    from portal.instruments import registry

    through_the_portal = portal_answers("pulse", ANSWERS, sides=SIDES)
    with portal_app.app_context():
        instrument = registry.get("pulse")
    by_hand = results_of(instrument, ANSWERS, sides=SIDES,
                         context=through_the_portal.context)
    assert by_hand == through_the_portal
    assert by_hand.items["trust"].distribution == {1: 0, 2: 1, 3: 0, 4: 2, 5: 1}
    assert by_hand.items["hours"].distribution == {0: 1, 7.5: 1, 12: 1}
    assert by_hand.by_side["client"].items["trust"].mean == 3.5
    assert by_hand.items["comment"].texts == ("All good", "Faster", "Keep going")


def test_an_answer_the_form_would_refuse_is_reported():
    from portal import Instrument, Interpretation, Question

    instrument = Instrument(id="x", version="1", title="X", summary="", source="test",
                            questions=(Question("renew", "Renew?", minimum=0, maximum=10),),
                            score=lambda results: Interpretation("ok"))
    with pytest.raises(ValueError, match="answer 2: .*Choose a value from 0 to 10"):
        results_of(instrument, [{"renew": 10}, {"renew": 11}])
    with pytest.raises(ValueError, match="no question nps"):
        results_of(instrument, [{"nps": 3}])


def test_clients_are_logged_in_as_the_role_and_side_asked_for(portal_client, portal_partnership):
    page = f"/partnerships/{portal_partnership.id}/"
    sponsor = portal_client("sponsor", "supplier")
    assert "Sponsor Supplier" in sponsor.get(page).get_data(as_text=True)
    viewer = portal_client("viewer", "client")
    assert viewer.get(page).status_code == 200
    assert viewer.post(f"{page}stage", data={"stage": "governance"}).status_code in (400, 403)
    assert portal_partnership.info.client.name == "Client Org"
    assert portal_partnership.people["editor", "client"].organization.name == "Client Org"


def test_an_anonymous_run_below_its_threshold_gives_no_results(portal_answers):
    assert portal_answers("pulse", ANSWERS[:2], anonymous=True) is None
    shown = portal_answers("pulse", ANSWERS[:3], anonymous=True)  # closed: everything shows
    assert shown.responses == 3 and shown.by_side == {}  # 2 + 1: a side below 3 is hidden
