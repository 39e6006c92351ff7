"""Supplier selection with a supplier not yet in the portal: it is scored and ranked like
the others; choosing it creates its organization and the pilot partnership and invites
its contact, whose link works once, until it expires, and never tells a stranger who
has an account."""
import datetime as dt
import re

import pytest
from conftest import DEMO_PASSWORD, login, post
from test_statement_counts import MOST, counted

from portal.accounts.invitations import Invitation, NOT_INVITED, token_hash
from portal.accounts.models import Organization, User
from portal.audit import AuditEntry
from portal.mail import Mail, send_due
from portal.partnerships.models import Partnership, PartnershipMember

PEGGY, CARLA = "peggy@client.example", "carla@client.example"
DANA = "dana@brightpath.example"
PASSWORD = "lantern orchard pebble"


@pytest.fixture
def app(make_app):
    return make_app(PORTAL_PLUGINS_STRICT=True)


@pytest.fixture
def ss(app):
    return app.extensions["portal_plugins"].plugins["supplier_selection"].module


def as_user(app, email, password=DEMO_PASSWORD):
    client = app.test_client()
    login(client, email, password)
    return client


def outside(name="Brightpath Learning", contact="Dana Reyes", email=DANA, notes=""):
    return {"outside-name": name, "outside-contact_name": contact,
            "outside-contact_email": email, "outside-notes": notes}


@pytest.fixture
def selection(app, ss, demo):
    """A selection of Peggy's with Acme (in the portal) and Brightpath (not yet)."""
    with app.app_context():
        acme = Organization.create(name="Acme Learning", kind="supplier").id
    peggy = as_user(app, PEGGY)
    assert post(peggy, "/selections", {"name": "Coaching partner"}).status_code == 302
    with app.app_context():
        sid = ss.models.Selection.select().first().id
    page = f"/selections/{sid}"
    assert post(peggy, f"{page}/candidates", {"supplier_org_id": str(acme)}, page=page).status_code == 302
    response = post(peggy, f"{page}/outside-candidates", outside(notes="Met at a fair"), page=page)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    return sid


def score_all(app, ss, sid, emails, high):
    """Each evaluator gives the candidate named `high` 5 and the other 2 everywhere."""
    with app.app_context():
        sel = ss.models.Selection.get_by_id(sid)
        crits = [c.id for c in sel.criteria]
        cands = {k.id: (k.name or "acme") for k in sel.candidates}
    page = f"/selections/{sid}"
    clients = {email: as_user(app, email) for email in emails}
    for client in clients.values():  # all join before anyone submits (then it locks)
        assert post(client, f"{page}/join", page=page).status_code == 302
    for client in clients.values():
        data = {"action": "submit"}
        for k, name in cands.items():
            for c in crits:
                data[f"score-{k}-{c}"] = "5" if name == high else "2"
        assert post(client, f"{page}/score", data, page=page).status_code == 302
    return cands


def candidate_id(app, ss, sid, name):
    with app.app_context():
        return ss.models.Candidate.get(ss.models.Candidate.selection == sid,
                                       ss.models.Candidate.name == name).id


def choose_brightpath(app, ss, sid):
    """Carla and Peggy score, Peggy chooses Brightpath; returns (response, link)."""
    score_all(app, ss, sid, (PEGGY, CARLA), "Brightpath Learning")
    peggy = as_user(app, PEGGY)
    response = post(peggy, f"/selections/{sid}/decide",
                    {"candidate_id": str(candidate_id(app, ss, sid, "Brightpath Learning"))},
                    page=f"/selections/{sid}")
    html = response.get_data(as_text=True)
    match = re.search(r'data-testid="invitation-link" readonly value="([^"]+)"', html)
    return response, match.group(1) if match else None


def path_of(link):
    return link[link.index("/invitations/"):]


def test_an_outside_candidate_is_scored_and_ranked_like_the_others(app, ss, selection):
    peggy = as_user(app, PEGGY)
    html = peggy.get(f"/selections/{selection}").get_data(as_text=True)
    assert "Brightpath Learning" in html and "not yet in the portal" in html
    assert "Dana Reyes (dana@brightpath.example)" in html
    with app.app_context():
        assert not Organization.select().where(Organization.name == "Brightpath Learning").exists()
        assert Invitation.select().count() == 0  # nobody is invited while a candidate
    score_all(app, ss, selection, (PEGGY,), "Brightpath Learning")
    html = peggy.get(f"/selections/{selection}").get_data(as_text=True)
    ranking = re.search(r'data-testid="ranking".*?</table>', html, re.S).group(0)
    rows = re.findall(r"<td>(\d)</td><td>([^<]+)</td><td class=\"ss-total\">([\d.]+)", ranking)
    assert rows == [("1", "Brightpath Learning", "5.00"), ("2", "Acme Learning", "2.00")]


def test_choosing_an_outside_winner_creates_organization_partnership_and_invitation(
        app, ss, selection):
    response, link = choose_brightpath(app, ss, selection)
    assert response.status_code == 200 and link
    html = response.get_data(as_text=True)
    assert "Brightpath Learning is chosen for a pilot" in html and "Dana Reyes is invited" in html
    assert link.startswith(app.config["PORTAL_BASE_URL"])
    token = path_of(link).rsplit("/", 1)[1]
    with app.app_context():
        org = Organization.get(Organization.name == "Brightpath Learning")
        assert org.kind == "supplier" and not list(org.users)
        sel = ss.models.Selection.get_by_id(selection)
        part = Partnership.get_by_id(sel.partnership_id)
        assert (part.name, part.stage) == ("Brightpath Learning pilot", "onboarding")
        assert part.client_id == sel.client_org_id and part.supplier_id == org.id
        members = {m.user.email: m.role for m in PartnershipMember.select()
                   .where(PartnershipMember.partnership == part)}
        assert members == {PEGGY: "sponsor", CARLA: "member"}
        invitation = Invitation.get()
        assert invitation.token_hash == token_hash(token) and token not in invitation.token_hash
        assert (invitation.email, invitation.role, invitation.org_role) == (DANA, "sponsor", "admin")
        assert invitation.partnership_id == part.id
        days = (invitation.expires_at - invitation.created_at).total_seconds() / 86400
        assert days == pytest.approx(14, abs=0.01)
        mail = Mail.get(Mail.to_address == DANA)
        assert link in mail.body and "Peggy Olson of Northwind Learning" in mail.subject
        assert AuditEntry.select().where(AuditEntry.action == "invitation_sent").count() == 1
    # the link is shown once: the page after that shows where the invitation stands
    html = as_user(app, PEGGY).get(f"/selections/{selection}").get_data(as_text=True)
    assert token not in html and "waiting" in html and "Make a new link" in html


def test_choosing_a_supplier_in_the_portal_makes_the_partnership_and_invites_nobody(
        app, ss, selection):
    score_all(app, ss, selection, (PEGGY,), "acme")
    acme = candidate_id(app, ss, selection, "")
    response = post(as_user(app, PEGGY), f"/selections/{selection}/decide",
                    {"candidate_id": str(acme)}, page=f"/selections/{selection}")
    assert response.status_code == 302
    with app.app_context():
        part = Partnership.get(Partnership.name == "Acme Learning pilot")
        assert part.stage == "onboarding"
        assert Invitation.select().count() == 0 and Mail.select().count() == 0
        assert not Organization.select().where(Organization.name == "Brightpath Learning").exists()


def test_the_invited_person_comes_in_once(app, ss, selection):
    _, link = choose_brightpath(app, ss, selection)
    path = path_of(link)
    visitor = app.test_client()
    page = visitor.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and DANA in html and "Brightpath Learning pilot" in html
    assert "Peggy Olson of Northwind Learning" in html
    weak = post(visitor, path, {"name": "Dana Reyes", "password": "password123", "repeat": "password123"},
                page=path)
    assert weak.status_code == 422 and "most common passwords" in weak.get_data(as_text=True)
    differ = post(visitor, path, {"name": "Dana R.", "password": PASSWORD, "repeat": PASSWORD + "x"},
                  page=path)
    html = differ.get_data(as_text=True)
    assert differ.status_code == 422 and "The two passwords differ" in html
    assert 'value="Dana R."' in html  # what was typed stays
    with app.app_context():
        assert not User.select().where(User.email == DANA).exists()
    done = post(visitor, path, {"name": "Dana Reyes", "password": PASSWORD, "repeat": PASSWORD},
                page=path)
    with app.app_context():
        part = Partnership.get(Partnership.name == "Brightpath Learning pilot")
        dana = User.get(User.email == DANA)
        assert dana.organization.name == "Brightpath Learning" and dana.org_role == "admin"
        assert PartnershipMember.get(PartnershipMember.user == dana).role == "sponsor"
        assert Invitation.get().accepted_by_id == dana.id
        assert AuditEntry.get(AuditEntry.action == "invitation_accepted").actor_id == dana.id
    assert done.status_code == 302 and done.location.endswith(f"/partnerships/{part.id}/")
    overview = visitor.get(done.location).get_data(as_text=True)
    assert "Welcome, Dana Reyes" in overview and "Brightpath Learning pilot" in overview
    # once only: the link says it was used, to anyone, and makes nothing more
    for client in (visitor, app.test_client()):
        again = client.get(path)
        assert again.status_code in (409, 410)
    stranger = app.test_client()
    replay = post(stranger, path, {"name": "Eve", "password": PASSWORD, "repeat": PASSWORD},
                  page="/login")
    assert replay.status_code == 410 and "already been used" in replay.get_data(as_text=True)
    with app.app_context():
        assert User.select().where(User.name == "Eve").count() == 0
    as_user(app, DANA, PASSWORD)  # the password chosen works
    # in the demo (no mail server) the invitation shows on Dana's mail page
    with app.app_context():
        send_due()
    mail_page = as_user(app, DANA, PASSWORD).get("/notifications/mail").get_data(as_text=True)
    assert "invites you to Partnership Portal" in mail_page


def test_an_expired_link_says_so_and_a_new_link_replaces_it(app, ss, selection):
    _, link = choose_brightpath(app, ss, selection)
    with app.app_context():
        Invitation.update(expires_at=dt.datetime(2026, 1, 2, 9, 0)).execute()
    visitor = app.test_client()
    expired = visitor.get(path_of(link))
    html = expired.get_data(as_text=True)
    assert expired.status_code == 410 and "expired on 02 January 2026" in html
    assert "Ask Peggy Olson (Northwind Learning) for a new one" in html and "password" not in html.lower()
    refused = post(visitor, path_of(link), {"name": "Dana", "password": PASSWORD, "repeat": PASSWORD},
                   page="/login")
    assert refused.status_code == 410
    with app.app_context():
        assert not User.select().where(User.email == DANA).exists()
    peggy = as_user(app, PEGGY)
    assert "expired" in peggy.get(f"/selections/{selection}").get_data(as_text=True)
    renewed = post(peggy, f"/selections/{selection}/invitation", page=f"/selections/{selection}")
    new_link = re.search(r'data-testid="invitation-link" readonly value="([^"]+)"',
                         renewed.get_data(as_text=True)).group(1)
    assert new_link != link
    assert "replaced this link" in visitor.get(path_of(link)).get_data(as_text=True)
    assert visitor.get(path_of(new_link)).status_code == 200
    with app.app_context():
        assert Mail.select().where(Mail.to_address == DANA).count() == 2


def test_an_address_with_an_account_is_refused_without_saying_whose(app, ss, selection):
    peggy = as_user(app, PEGGY)
    page = f"/selections/{selection}"
    elsewhere = post(peggy, f"{page}/outside-candidates",
                     outside("Halpert Training", "Jim", "JIM@supplier.example"), page=page)
    html = elsewhere.get_data(as_text=True)
    assert elsewhere.status_code == 400 and NOT_INVITED in html
    assert "Supplier Co" not in html.split('data-testid="outside-form"')[1]
    assert 'value="Halpert Training"' in html  # what was typed stays
    own = post(peggy, f"{page}/outside-candidates", outside("Own People", "Carla", CARLA), page=page)
    assert own.status_code == 400
    assert "Someone in Northwind Learning already has an account" in own.get_data(as_text=True)
    taken = post(peggy, f"{page}/outside-candidates", outside("acme learning", "Al", "al@acme.example"),
                 page=page)
    assert taken.status_code == 400 and "Acme Learning is already in the portal" in taken.get_data(as_text=True)
    with app.app_context():
        assert ss.models.Candidate.select().count() == 2
    # Past the login limit, every address gets the same answer, so probing is slow.
    limit = app.config["PORTAL_LOGIN_MAX_FAILURES"]
    for n in range(limit):
        post(peggy, f"{page}/outside-candidates", outside(f"Probe {n}", "P", "jim@supplier.example"),
             page=page)
    fresh = post(peggy, f"{page}/outside-candidates", outside("Fresh", "F", "nobody@fresh.example"),
                 page=page)
    assert fresh.status_code == 400 and NOT_INVITED in fresh.get_data(as_text=True)


def test_an_address_taken_before_the_choice_stops_it_and_nothing_is_lost(app, ss, selection):
    score_all(app, ss, selection, (PEGGY, CARLA), "Brightpath Learning")
    with app.app_context():  # Dana got an account elsewhere meanwhile
        User.create(email=DANA, name="Dana", password_hash="x",
                    organization=Organization.get(Organization.name == "Supplier Co"))
    peggy = as_user(app, PEGGY)
    page = f"/selections/{selection}"
    brightpath = candidate_id(app, ss, selection, "Brightpath Learning")
    response = post(peggy, f"{page}/decide", {"candidate_id": str(brightpath)}, page=page)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and NOT_INVITED in html and "Nothing was changed" in html
    with app.app_context():
        assert ss.models.Selection.get_by_id(selection).status == "open"
        assert not Organization.select().where(Organization.name == "Brightpath Learning").exists()
        assert Partnership.select().count() == 1 and ss.models.Score.select().count() == 40
    changed = post(peggy, f"{page}/candidates/{brightpath}/contact",
                   {"contact_name": "Lee Park", "contact_email": "lee@brightpath.example"}, page=page)
    assert changed.status_code == 302
    response = post(peggy, f"{page}/decide", {"candidate_id": str(brightpath)}, page=page)
    assert response.status_code == 200 and "lee@brightpath.example" in response.get_data(as_text=True)


def test_only_the_client_s_admins_add_choose_and_renew(app, ss, selection):
    page = f"/selections/{selection}"
    brightpath = candidate_id(app, ss, selection, "Brightpath Learning")
    jim, carla = as_user(app, "jim@supplier.example"), as_user(app, CARLA)
    for client, status in ((jim, 404), (carla, 403)):
        assert post(client, f"{page}/outside-candidates", outside("X", "Y", "y@x.example"),
                    page="/profile").status_code == status
        assert post(client, f"{page}/candidates/{brightpath}/contact",
                    {"contact_name": "Z", "contact_email": "z@x.example"}).status_code == status
        assert post(client, f"{page}/invitation").status_code == status
    assert as_user(app, PEGGY).post(f"{page}/outside-candidates", data=outside()).status_code == 400
    with app.app_context():
        assert ss.models.Candidate.get_by_id(brightpath).contact_email == DANA


def test_links_that_match_nothing_are_throttled_per_address(app, ss, selection):
    _, link = choose_brightpath(app, ss, selection)
    other = app.test_client()  # a logged-in person is told to log out, not shown the form
    login(other, "jim@supplier.example")
    page = other.get(path_of(link))
    assert page.status_code == 409 and "log out first" in page.get_data(as_text=True)
    visitor = app.test_client()
    for n in range(app.config["PORTAL_LOGIN_MAX_FAILURES"]):
        wrong = visitor.get(f"/invitations/guess{n}")
        assert wrong.status_code == 404 and "does not work" in wrong.get_data(as_text=True)
    blocked = visitor.get(path_of(link))
    assert blocked.status_code == 429 and DANA not in blocked.get_data(as_text=True)
    elsewhere = visitor.get(path_of(link), environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert elsewhere.status_code == 200 and DANA in elsewhere.get_data(as_text=True)


def test_the_invitation_page_runs_few_statements(app, ss, selection):
    _, link = choose_brightpath(app, ss, selection)
    visitor = app.test_client()
    visitor.get(path_of(link))
    with counted() as statements:
        assert visitor.get(path_of(link)).status_code == 200
    assert len(statements) <= MOST
