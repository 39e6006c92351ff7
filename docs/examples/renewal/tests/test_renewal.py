"""The renewal score: its arithmetic, and the plugin inside a real portal."""
from portal import run_url
from portal.testing import results_of

from renewal import INSTRUMENT, nps, score

PROMOTERS, PASSIVES, DETRACTORS = {"recommend": 10}, {"recommend": 8}, {"recommend": 3}


def test_the_score_is_promoters_minus_detractors():
    results = results_of(INSTRUMENT, [PROMOTERS] * 5 + [PASSIVES] * 3 + [DETRACTORS] * 2)
    assert nps(results.items["recommend"]) == 30  # 50 % promoters - 20 % detractors
    assert score(results).tone == "good"


def test_a_score_below_target_is_flagged():
    interpretation = score(results_of(INSTRUMENT, [PROMOTERS, DETRACTORS, DETRACTORS]))
    assert interpretation.headline == "Renewal score -33 (target +20)"
    assert interpretation.flags[0].question_id == "recommend"


def test_the_results_page_and_the_overview_show_the_score(
        portal_app, portal_answers, portal_client, portal_partnership):
    answers = [PROMOTERS, PROMOTERS, PASSIVES, PROMOTERS, DETRACTORS, PROMOTERS]
    sides = ["client", "client", "client", "supplier", "supplier", "supplier"]
    results = portal_answers("renewal", answers, anonymous=True, sides=sides)
    assert results.responses == 6 and set(results.by_side) == {"client", "supplier"}
    with portal_app.test_request_context():
        page = run_url(portal_partnership.id, portal_partnership.runs[-1].id)
    member = portal_client("member", "client")
    html = member.get(page).get_data(as_text=True)
    assert "Renewal score +50 (target +20)" in html
    assert "Client: <strong>+67</strong>" in html and "Supplier: <strong>+33</strong>" in html
    overview = member.get(f"/partnerships/{portal_partnership.id}/").get_data(as_text=True)
    assert "<strong>+50</strong> in Likelihood to renew (test)" in overview
