"""The portfolio of an organization with several partners, and its annual re-evaluation
(seed 001, practice 9): who sees which partnership, the facts and flags of each, sorting,
and keep / grow / re-tender / exit decisions that only the deciding organization reads."""
import datetime as dt
import re

import pytest
from conftest import login, post

from portal.accounts.models import Organization, User
from portal.instruments import registry
from portal.instruments import runs as run_ops
from portal.instruments.models import ActionItem
from portal.meetings.models import Meeting
from portal.partnerships.models import Partnership, PartnershipMember
from portal.portfolio.models import Decision, Reevaluation
from portal.scorecard.summary import HealthSummary



def as_user(app, email):
    client = app.test_client()
    login(client, email)
    return client


def partnership(name, client, supplier, members=(), **fields):
    """A partnership with (email, role) members; organizations by name, made if new."""
    orgs = [Organization.get_or_create(name=n, defaults={"kind": kind})[0]
            for n, kind in ((client, "client"), (supplier, "supplier"))]
    made = Partnership.create(name=name, client=orgs[0], supplier=orgs[1], **fields)
    for email, role in members:
        PartnershipMember.create(partnership=made, user=User.get(User.email == email), role=role)
    return made


@pytest.fixture
def portfolio(app, demo):
    """Northwind's second and third suppliers (Peggy belongs to the second only), and a
    partnership between two other organizations."""
    with app.app_context():
        pilot = partnership("Sales Onboarding Pilot", "Northwind Learning", "Brightpath Learning",
                            [("peggy@client.example", "sponsor"), ("carla@client.example", "editor")],
                            stage="onboarding", contract_end=dt.date.today() + dt.timedelta(days=75))
        coaching = partnership("Coaching Circle", "Northwind Learning", "Kite Coaching",
                               stage="governance", contract_end=dt.date.today() - dt.timedelta(days=3))
        secret = partnership("Secret Venture", "Other Client", "Supplier Co",
                             stage="selection")
    return {"academy": demo, "pilot": pilot, "coaching": coaching, "secret": secret}


def page_of(client, url="/portfolio"):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def row_of(html, partnership):
    match = re.search(rf'<tr data-testid="row-{partnership.id}">(.*?)</tr>', html, re.DOTALL)
    assert match, f"no row for {partnership.name}"
    return re.sub(r"\s+", " ", match.group(1))


def order_of(html, rows):
    found = [(html.index(f'data-testid="row-{p.id}"'), p.name) for p in rows
             if f'data-testid="row-{p.id}"' in html]
    return [name for _, name in sorted(found)]


# Who sees what ---------------------------------------------------------------------------

def test_an_admin_sees_every_partnership_of_the_organization(app, portfolio):
    html = page_of(as_user(app, "peggy@client.example"))
    assert order_of(html, portfolio.values()) == ["Coaching Circle", "Leadership Academy 2027",
                                                  "Sales Onboarding Pilot"]
    assert "Secret Venture" not in html
    coaching = row_of(html, portfolio["coaching"])
    assert "You are not a member" in coaching and "Kite Coaching" in coaching
    # Peggy cannot open its pages, so its name and flags link nowhere but its members page.
    assert f"/partnerships/{portfolio['coaching'].id}/members" in coaching
    assert f'href="/partnerships/{portfolio["coaching"].id}/"' not in coaching
    assert "Contract ended on" in coaching and "<a href" not in coaching.split("Contract ended")[0][-40:]


def test_a_member_sees_only_the_partnerships_they_belong_to(app, portfolio):
    html = page_of(as_user(app, "victor@client.example"))  # viewer of the academy only
    assert order_of(html, portfolio.values()) == ["Leadership Academy 2027"]
    assert "The partnerships of Northwind Learning you belong to" in html
    assert 'data-testid="re-evaluation"' not in html  # not an admin, sponsors nothing


def test_a_supplier_sees_its_clients_and_never_other_partnerships(app, portfolio):
    html = page_of(as_user(app, "sofia@supplier.example"))
    assert order_of(html, portfolio.values()) == ["Leadership Academy 2027", "Secret Venture"]
    academy = row_of(html, portfolio["academy"])
    assert "Northwind Learning" in academy and "You are the" not in academy  # one side only
    for name in ("Sales Onboarding Pilot", "Coaching Circle", "Brightpath", "Kite Coaching"):
        assert name not in html
    # An organization on both sides is told which side it is in each partnership.
    with app.app_context():
        bought = partnership("Trainers for trainers", "Supplier Co", "Kite Coaching")
    html = page_of(as_user(app, "sofia@supplier.example"))
    assert "You are the supplier" in row_of(html, portfolio["academy"])
    assert "You are the client" in row_of(html, bought)


def test_the_portfolio_needs_a_login(client, portfolio):
    response = client.get("/portfolio")
    assert response.status_code == 302 and "/login" in response.location


def test_the_header_links_to_the_portfolio(app, portfolio):
    html = page_of(as_user(app, "sam@supplier.example"), "/partnerships")
    assert '<a href="/portfolio">Portfolio</a>' in html


# Columns and flags -------------------------------------------------------------------------

def test_each_row_shows_stage_contract_last_review_and_last_audit(app, portfolio):
    academy = portfolio["academy"]
    with app.app_context():
        peggy = User.get(User.email == "peggy@client.example")
        for days, status in ((40, "closed"), (10, "closed"), (30, "open")):
            Meeting.create(partnership=academy, kind="business", title=f"Review {days}",
                           scheduled_at=dt.datetime.combine(dt.date.today() - dt.timedelta(days=days),
                                                            dt.time(9)), status=status)
        audit = registry.get("four_is_audit")
        older = run_ops.open_run(academy, audit, "Audit 1", dt.date.today() - dt.timedelta(days=400), None,
                                 "both", False, 3, (), peggy)
        run_ops.close_run(older)
        latest = run_ops.open_run(academy, audit, "Audit 2", dt.date.today() - dt.timedelta(days=20),
                                  dt.date.today() - dt.timedelta(days=1), "both", False, 3, (), peggy)
        run_ops.open_run(academy, audit, "Audit 3", dt.date.today(), None, "both", False, 3, (), peggy)
    row = row_of(page_of(as_user(app, "peggy@client.example")), academy)
    assert "Co-creation &amp; delivery" in row
    assert academy.contract_end.strftime("%d %b %Y") in row
    review_from = (academy.contract_end - dt.timedelta(days=92)).strftime("%d %b %Y")
    assert f"review from {review_from}" in row
    assert (dt.date.today() - dt.timedelta(days=10)).strftime("%d %b %Y") in row  # the last closed review
    assert (dt.date.today() - dt.timedelta(days=30)).strftime("%d %b %Y") not in row  # not held yet
    # The last audit is the latest closed run, dated when it opened, linked to its results.
    assert (f'<a href="/partnerships/{academy.id}/runs/{latest.id}/">'
            f'{(dt.date.today() - dt.timedelta(days=20)).strftime("%d %b %Y")}</a>') in row
    pilot = row_of(page_of(as_user(app, "peggy@client.example")), portfolio["pilot"])
    assert pilot.count("None yet") == 2 and "Onboarding &amp; immersion" in pilot


def test_flags_name_what_needs_attention_and_link_to_its_page(app, portfolio):
    academy, pilot = portfolio["academy"], portfolio["pilot"]
    with app.test_request_context():
        for n in range(2):
            ActionItem.create(partnership=academy, text=f"Late {n}", status="open",
                              due_on=dt.date.today() - dt.timedelta(days=1))
        ActionItem.create(partnership=academy, text="Done late", status="done",
                          due_on=dt.date.today() - dt.timedelta(days=9))
        ActionItem.create(partnership=academy, text="Not due", due_on=dt.date.today())
        Meeting.create(partnership=academy, kind="sponsor", title="Old sponsor review",
                       scheduled_at=dt.datetime.combine(dt.date.today() - dt.timedelta(days=200), dt.time(9)),
                       status="closed")
        Partnership.update(created_at=dt.datetime(2020, 1, 1)).where(Partnership.id == academy.id).execute()
        from portal.demo import load_demo_runs

        load_demo_runs(academy)
    html = page_of(as_user(app, "peggy@client.example"))
    row = row_of(html, academy)
    assert f'<a href="/partnerships/{academy.id}/actions">2 actions past due</a>' in row
    assert f'<a href="/partnerships/{academy.id}/governance">Sponsor review overdue</a>' in row
    assert re.search(rf'<a href="/partnerships/{academy.id}/runs/\d+/">\d+ items? flagged in '
                     r"Relational survey</a>", row)
    assert "Contract review due" not in row and "partnership audit due" not in row
    pilot_row = row_of(html, pilot)
    ends = pilot.contract_end.strftime("%d %b %Y")
    assert f'<a href="/partnerships/{pilot.id}/calendar">Contract review due: it ends on {ends}</a>' in pilot_row
    assert "No sponsor review yet" not in pilot_row  # created today: not due for months
    assert "Contract ended on" in row_of(html, portfolio["coaching"])
    # Nothing to flag reads as such.
    with app.app_context():
        Partnership.update(contract_end=None).where(Partnership.id == pilot.id).execute()
    assert "Nothing" in row_of(page_of(as_user(app, "peggy@client.example")), pilot)


def test_a_missing_audit_is_flagged_once_the_partnership_is_a_year_old(app, portfolio):
    academy = portfolio["academy"]
    with app.app_context():
        Partnership.update(created_at=dt.datetime.combine(dt.date.today() - dt.timedelta(days=400), dt.time()))\
            .where(Partnership.id == academy.id).execute()
    row = row_of(page_of(as_user(app, "peggy@client.example")), academy)
    assert (f'<a href="/partnerships/{academy.id}/instruments/four_is_audit/runs/new">'
            "The 4 I&#39;s partnership audit due</a>") in row
    assert "No sponsor review yet" in row


def test_the_health_column_shows_what_the_health_feature_reports(app, portfolio, monkeypatch):
    from portal.portfolio import facts

    monkeypatch.setattr(facts, "health_installed", lambda: False)
    monkeypatch.setattr("portal.portfolio.views.health_installed", lambda: False)
    assert "Health</a>" not in page_of(as_user(app, "peggy@client.example"))  # not installed
    reported = {}

    def health_for(ids):
        reported["ids"] = sorted(ids)
        return {pid: HealthSummary(score=None, band="no_data", band_label="No data")
                if pid != portfolio["academy"].id else
                HealthSummary(score=71.6, band="watch", band_label="Watch", overridden=True, stale=2)
                for pid in ids}

    monkeypatch.setattr(facts, "health_installed", lambda: True)
    monkeypatch.setattr("portal.portfolio.views.health_installed", lambda: True)
    monkeypatch.setattr("portal.scorecard.summary.health_for", health_for)
    html = page_of(as_user(app, "peggy@client.example"), "/portfolio?sort=health&dir=desc")
    assert reported["ids"] == sorted(p.id for k, p in portfolio.items() if k != "secret")
    academy = row_of(html, portfolio["academy"])
    assert "<strong>72</strong>" in academy and "Watch" in academy
    assert "set by a person" in academy and "2 measures out of date" in academy
    assert "No data" in row_of(html, portfolio["pilot"])
    assert order_of(html, portfolio.values())[0] == "Leadership Academy 2027"


# Sorting -----------------------------------------------------------------------------------

def test_sorting_by_a_column_keeps_the_order_in_the_url(app, portfolio):
    peggy = as_user(app, "peggy@client.example")
    rows = portfolio.values()
    html = page_of(peggy, "/portfolio?sort=contract&dir=asc")
    assert order_of(html, rows) == ["Coaching Circle", "Sales Onboarding Pilot",
                                    "Leadership Academy 2027"]
    assert 'aria-sort="ascending"><a href="/portfolio?sort=contract&amp;dir=desc">' in html
    html = page_of(peggy, "/portfolio?sort=contract&dir=desc")
    assert order_of(html, rows) == ["Leadership Academy 2027", "Sales Onboarding Pilot",
                                    "Coaching Circle"]
    html = page_of(peggy, "/portfolio?sort=stage&dir=desc")
    assert order_of(html, rows) == ["Coaching Circle", "Leadership Academy 2027",
                                    "Sales Onboarding Pilot"]
    html = page_of(peggy, "/portfolio?sort=partner")
    assert order_of(html, rows) == ["Sales Onboarding Pilot", "Coaching Circle",
                                    "Leadership Academy 2027"]
    html = page_of(peggy, "/portfolio?sort=flags&dir=desc")  # ties by name
    assert order_of(html, rows) == ["Coaching Circle", "Sales Onboarding Pilot",
                                    "Leadership Academy 2027"]


def test_rows_without_a_value_come_last_in_both_directions(app, portfolio):
    with app.app_context():
        Partnership.update(contract_end=None).where(Partnership.id == portfolio["pilot"].id).execute()
    peggy = as_user(app, "peggy@client.example")
    for direction in ("asc", "desc"):
        html = page_of(peggy, f"/portfolio?sort=contract&dir={direction}")
        assert order_of(html, portfolio.values())[-1] == "Sales Onboarding Pilot"


@pytest.mark.parametrize("query", ["sort=password", "sort=", "sort=health", "dir=sideways",
                                   "sort=name&dir=%E2%80%AE", "sort=999999999999999999999"])
def test_an_unknown_order_is_the_default_order(app, portfolio, query):
    html = page_of(as_user(app, "peggy@client.example"), f"/portfolio?{query}")
    assert order_of(html, portfolio.values()) == ["Coaching Circle", "Leadership Academy 2027",
                                                  "Sales Onboarding Pilot"]


# The re-evaluation ---------------------------------------------------------------------------

def start(client):
    return post(client, "/portfolio/re-evaluation", page="/portfolio")


def decide(client, partnership, decision="keep", reason="It delivers what we need.", year=None):
    url = f"/portfolio/re-evaluation/{year or dt.date.today().year}/partnerships/{partnership.id}"
    return post(client, url, {"decision": decision, "reason": reason}, page=url)


def test_an_admin_runs_the_re_evaluation_to_the_end(app, portfolio):
    peggy = as_user(app, "peggy@client.example")
    response = start(peggy)
    assert response.status_code == 302 and response.location.endswith(f"/portfolio/re-evaluation/{dt.date.today().year}")
    html = page_of(peggy, f"/portfolio/re-evaluation/{dt.date.today().year}")
    assert "0 of 3 decided" in html and "Decide on Coaching Circle" in html
    # Each decision leads on to the next partnership without one.
    response = decide(peggy, portfolio["coaching"], "exit", "The contract has ended; coaching "
                      "moves in-house.")
    assert response.location.endswith(f"/partnerships/{portfolio['academy'].id}")
    assert "1 of 3 decided" in page_of(peggy, "/portfolio")
    finish = post(peggy, f"/portfolio/re-evaluation/{dt.date.today().year}/finish", page="/portfolio")
    html = page_of(peggy, finish.location)
    assert "2 partnerships still need a decision: Leadership Academy 2027, Sales Onboarding Pilot." in html
    decide(peggy, portfolio["academy"], "grow", "Extend to second-line managers.")
    response = decide(peggy, portfolio["pilot"], "re_tender", "Compare offers for the next year.")
    assert response.location.endswith(f"/portfolio/re-evaluation/{dt.date.today().year}")
    decide(peggy, portfolio["academy"], "keep", "On second thoughts: keep as it is.")  # a change
    html = page_of(peggy, f"/portfolio/re-evaluation/{dt.date.today().year}")
    assert "3 of 3 decided" in html
    post(peggy, f"/portfolio/re-evaluation/{dt.date.today().year}/finish", page="/portfolio")
    with app.app_context():
        run = Reevaluation.get(Reevaluation.year == dt.date.today().year)
        assert run.finished_at is not None
        decided = {d.partnership_id: (d.decision, d.reason) for d in Decision.select()}
    assert decided[portfolio["academy"].id] == ("keep", "On second thoughts: keep as it is.")
    assert decided[portfolio["coaching"].id][0] == "exit"
    html = page_of(peggy, f"/portfolio/re-evaluation/{dt.date.today().year}")
    assert "Finished" in html and "Finish the" not in html
    step = page_of(peggy, f"/portfolio/re-evaluation/{dt.date.today().year}/partnerships/{portfolio['pilot'].id}")
    assert "The facts when it was decided" in step and "Contract review due" in step
    assert "<form" not in step.split('id="decision"')[1].split("</section>")[0]
    # Read-only from now on.
    refused = decide(peggy, portfolio["pilot"], "keep", "Changed later")
    assert refused.status_code == 409 and "no longer change" in refused.get_data(as_text=True)
    with app.app_context():
        assert Decision.get(Decision.partnership == portfolio["pilot"].id).decision == "re_tender"
    assert f"The {dt.date.today().year} re-evaluation is finished: 3 decisions" in page_of(peggy, "/portfolio")


def test_a_second_start_in_the_year_opens_the_same_re_evaluation(app, portfolio):
    peggy = as_user(app, "peggy@client.example")
    first, second = start(peggy), start(peggy)
    assert first.location == second.location
    with app.app_context():
        assert Reevaluation.select().count() == 1


def test_the_demo_has_last_years_record_and_this_years_under_way(app, portfolio):
    with app.test_request_context():
        from portal.portfolio.demo import load_demo_portfolio

        load_demo_portfolio()
    peggy = as_user(app, "peggy@client.example")
    html = page_of(peggy, "/portfolio")
    assert f'<a href="/portfolio/re-evaluation/{dt.date.today().year - 1}">{dt.date.today().year - 1}</a>' in html
    assert f"The {dt.date.today().year} re-evaluation is open: <strong>1 of 3 decided</strong>" in html
    assert "Start the" in page_of(as_user(app, "sofia@supplier.example"), "/portfolio")
    record = page_of(peggy, f"/portfolio/re-evaluation/{dt.date.today().year - 1}")
    assert "Finished" in record and "second-line managers" in record
    assert "Onboarding &amp; immersion" in record  # the stage as it was then, not today's


def test_decisions_are_seen_by_the_deciding_organization_only(app, portfolio):
    peggy, sofia = as_user(app, "peggy@client.example"), as_user(app, "sofia@supplier.example")
    start(peggy)
    decide(peggy, portfolio["academy"], "exit", "Confidential: we are leaving Supplier Co.")
    url = f"/portfolio/re-evaluation/{dt.date.today().year}"
    assert sofia.get(url).status_code == 404  # Supplier Co has no re-evaluation this year
    step = f"{url}/partnerships/{portfolio['academy'].id}"
    assert sofia.get(step).status_code == 404
    assert "Confidential" not in page_of(sofia, "/portfolio")
    assert "Confidential" not in page_of(sofia, f"/partnerships/{portfolio['academy'].id}/")
    # Supplier Co's own re-evaluation is its own, and shows nothing of Northwind's.
    start(sofia)
    html = page_of(sofia, url) + page_of(sofia, step)
    assert "Confidential" not in html and "Not decided yet" in html
    assert decide(sofia, portfolio["pilot"]).status_code == 404  # not Supplier Co's


def test_members_who_decide_nothing_cannot_reach_the_re_evaluation(app, portfolio):
    start(as_user(app, "peggy@client.example"))
    victor = as_user(app, "victor@client.example")  # a viewer, not an admin
    url = f"/portfolio/re-evaluation/{dt.date.today().year}"
    response = victor.get(url)
    assert response.status_code == 403 and "admins and the sponsors" in response.get_data(as_text=True)
    assert decide(victor, portfolio["academy"]).status_code == 403
    assert start(victor).status_code == 403
    assert post(victor, f"{url}/finish", page="/portfolio").status_code == 403
    with app.app_context():
        assert Decision.select().count() == 0


def test_a_sponsor_decides_on_the_partnerships_they_sponsor_only(app, portfolio):
    with app.app_context():
        carla = User.get(User.email == "carla@client.example")
        PartnershipMember.update(role="sponsor").where(
            PartnershipMember.user == carla.id, PartnershipMember.partnership == portfolio["pilot"].id).execute()
    start(as_user(app, "peggy@client.example"))
    carla = as_user(app, "carla@client.example")
    html = page_of(carla, f"/portfolio/re-evaluation/{dt.date.today().year}")
    assert "0 of 3 decided" in html and "Coaching Circle" not in html  # not hers to see
    assert decide(carla, portfolio["pilot"], "grow").status_code == 302
    assert decide(carla, portfolio["academy"]).status_code == 403  # she edits it, not sponsors
    assert decide(carla, portfolio["coaching"]).status_code == 404  # not a member
    assert "start" not in page_of(carla, "/portfolio").split('data-testid="re-evaluation"')[1][:50]
    assert start(carla).status_code == 403
    assert post(carla, f"/portfolio/re-evaluation/{dt.date.today().year}/finish", page="/portfolio").status_code == 403


@pytest.mark.parametrize("data, message", [
    ({"reason": "No choice made"}, "Choose keep, grow, re-tender or exit."),
    ({"decision": "merge", "reason": "Not a choice"}, "Choose keep, grow, re-tender or exit."),
    ({"decision": "grow", "reason": "   "}, "Say why: the next re-evaluation reads this."),
    ({"decision": "grow", "reason": "x" * 5001}, "Keep the reason under 5,000 characters."),
    ({"decision": "grow", "reason": "Bad\x00byte"}, "NUL character"),
])
def test_bad_input_is_explained_next_to_the_field_and_saves_nothing(app, portfolio, data, message):
    peggy = as_user(app, "peggy@client.example")
    start(peggy)
    decide(peggy, portfolio["pilot"], "keep", "Saved before")
    url = f"/portfolio/re-evaluation/{dt.date.today().year}/partnerships/{portfolio['academy'].id}"
    response = post(peggy, url, data, page=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="field__error"' in html and message in html
    if "reason" in data and data["reason"].strip() and "\x00" not in data["reason"]:
        assert data["reason"][:40] in html  # what was typed is still there
    with app.app_context():
        assert [(d.partnership_id, d.reason) for d in Decision.select()] == [
            (portfolio["pilot"].id, "Saved before")]


def test_posts_without_the_csrf_token_are_refused(app, portfolio):
    peggy = as_user(app, "peggy@client.example")
    assert peggy.post("/portfolio/re-evaluation").status_code == 400
    start(peggy)
    url = f"/portfolio/re-evaluation/{dt.date.today().year}/partnerships/{portfolio['academy'].id}"
    assert peggy.post(url, data={"decision": "keep", "reason": "x"}).status_code == 400
    assert peggy.post(f"/portfolio/re-evaluation/{dt.date.today().year}/finish").status_code == 400
    with app.app_context():
        assert Decision.select().count() == 0


def test_a_re_tender_decision_links_to_a_supplier_selection(app, portfolio):
    peggy = as_user(app, "peggy@client.example")
    start(peggy)
    decide(peggy, portfolio["pilot"], "re_tender", "Compare offers.")
    step = page_of(peggy, f"/portfolio/re-evaluation/{dt.date.today().year}/partnerships/{portfolio['pilot'].id}")
    assert '<a href="/selections">start a supplier selection</a>' in step
    # Only a client chooses suppliers: Supplier Co's re-tender offers no selection.
    sofia = as_user(app, "sofia@supplier.example")
    start(sofia)
    decide(sofia, portfolio["academy"], "re_tender", "Bid again.")
    step = page_of(sofia, f"/portfolio/re-evaluation/{dt.date.today().year}/partnerships/{portfolio['academy'].id}")
    assert "start a supplier selection" not in step


def test_a_year_without_a_re_evaluation_is_404(app, portfolio):
    peggy = as_user(app, "peggy@client.example")
    assert peggy.get(f"/portfolio/re-evaluation/{dt.date.today().year}").status_code == 404
    assert peggy.get("/portfolio/re-evaluation/99999999999").status_code == 404
