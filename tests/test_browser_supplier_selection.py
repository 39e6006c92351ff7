"""Supplier selection in the browser: three evaluators score three candidates, the
ranking and sensitivity match a calculation here, the winner becomes a partnership."""

import pytest
from playwright.sync_api import expect

from test_supplier_selection import (brute_force_smallest_change, score_value, totals_for)

SUPPLIERS = ("Acme Learning", "Beacon Skills", "Crest Academy")
EVALUATORS = ("peggy@client.example", "carla@client.example", "victor@client.example")


@pytest.fixture
def app(make_app):
    return make_app(PORTAL_PLUGINS_STRICT=True)


@pytest.fixture
def ss(app):
    """The plugin package the portal registered: `ss.models`, `ss.ranking`, `ss.ahp`..."""
    return app.extensions["portal_plugins"].plugins["supplier_selection"].module


@pytest.fixture
def extra_suppliers(app, demo):
    from portal.accounts.models import Organization

    with app.app_context():
        for name in SUPPLIERS:
            Organization.create(name=name, kind="supplier")


def test_three_evaluators_rank_and_choose(app, ss, extra_suppliers, people, live_server):
    peggy = people(EVALUATORS[0])
    peggy.get_by_role("link", name="Supplier selection").click()
    peggy.get_by_label("Name").fill("Leadership partner 2027")
    peggy.get_by_label("Strategic needs for the next 12–36 months").fill("200 new leaders")
    peggy.get_by_label("Capability gaps to fill").fill("Executive coaching")
    peggy.get_by_role("button", name="Start selection").click()
    expect(peggy.get_by_role("heading", name="Leadership partner 2027")).to_be_visible()
    for name in SUPPLIERS:
        peggy.get_by_label("Supplier organization").select_option(label=name)
        peggy.get_by_role("button", name="Add candidate").click()
        expect(peggy.get_by_test_id("candidates")).to_contain_text(name)
    selection_url = peggy.url
    with app.app_context():
        sel = ss.models.Selection.get()
        crits = [c for c in sel.criteria.order_by(ss.models.Criterion.id)]
        cands = [k.id for k in sel.candidates.order_by(ss.models.Candidate.id)]
    weights = [20 if i == 0 else 10 for i in range(len(crits))]  # 110: normalized
    peggy.get_by_label(f"Weight of {crits[0].name}").fill("20")
    peggy.get_by_role("button", name="Save weights").click()
    expect(peggy.get_by_test_id("weights-note")).to_contain_text("add up to 110, not 100")

    for e, email in enumerate(EVALUATORS):
        page = people(email)
        page.goto(selection_url)
        page.get_by_role("button", name="Join as evaluator").click()
        expect(page.get_by_role("heading", name="Your scores")).to_be_visible()
    for e, email in enumerate(EVALUATORS):
        page = people(email)
        for ki, name in enumerate(SUPPLIERS):
            for ci, c in enumerate(crits):
                page.get_by_label(f"{name}: {c.name}", exact=True).fill(str(score_value(e, ki, ci)))
        page.get_by_role("button", name="Submit scores").click()
        if e < 2:
            expect(page.get_by_test_id("sealed")).to_contain_text("sealed")

    means = {k: {c.id: sum(score_value(e, ki, ci) for e in range(3)) / 3
                 for ci, c in enumerate(crits)} for ki, k in enumerate(cands)}
    wmap = {c.id: float(w) for c, w in zip(crits, weights)}
    totals = totals_for(means, wmap)
    order = sorted(cands, key=lambda k: -totals[k])
    names = dict(zip(cands, SUPPLIERS))
    peggy.goto(selection_url)
    rows = peggy.get_by_test_id("ranking").locator("tbody tr")
    expect(rows).to_have_count(3)
    for i, k in enumerate(order):
        expect(rows.nth(i)).to_contain_text(names[k])
        expect(rows.nth(i)).to_contain_text(f"{totals[k]:.2f}")

    delta, crit = brute_force_smallest_change(means, wmap)
    threshold = float(peggy.get_by_test_id("sensitivity-threshold").inner_text())
    assert abs(abs(threshold - wmap[crit]) - delta) <= 0.01
    crit_name = next(c.name for c in crits if c.id == crit)
    expect(peggy.get_by_test_id("sensitivity-answer")).to_contain_text(crit_name)

    peggy.get_by_label("Supplier for the pilot").select_option(label=names[order[0]])
    peggy.get_by_role("button", name="Choose for a pilot").click()
    expect(peggy.get_by_test_id("decision")).to_contain_text(names[order[0]])
    peggy.get_by_role("link", name="Open the partnership").click()
    expect(peggy.get_by_role("heading", name=f"{names[order[0]]} pilot")).to_be_visible()
    expect(peggy.get_by_test_id("selection-card")).to_contain_text("Leadership partner 2027")
