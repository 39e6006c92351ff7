"""Every partnership-scoped URL, found by walking the URL map, refuses outsiders.

New routes — the portal's or a plugin's — are covered without touching this file: any
rule with `<partnership_id>` in it is checked.
"""
import re

import pytest
from werkzeug.routing import IntegerConverter
from conftest import csrf_token, login

from portal.accounts.models import Organization, User
from portal.partnerships.models import PartnershipMember

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
#: The only views a viewer may send state-changing requests to, each opted in with
#: `requires_role("viewer")`: acknowledging the relational expectations one has read
#: records the viewer's own reading and changes nothing the partnership shares.
VIEWER_WRITES = {"expectations.acknowledge", "expectations.acknowledge_all"}


def scoped_rules(app):
    return [rule for rule in app.url_map.iter_rules() if "partnership_id" in rule.arguments]


def build(rule, partnership_id, member_id):
    """A concrete URL for the rule, with plausible values for its other arguments."""
    values = {}
    for name in rule.arguments:
        if name == "partnership_id":
            values[name] = partnership_id
        elif name == "member_id":
            values[name] = member_id
        elif isinstance(rule._converters[name], IntegerConverter):
            values[name] = 1
        else:
            values[name] = "x"
    return rule.build(values, append_unknown=False)[1]


@pytest.fixture
def outsider(app, demo):
    """An admin of a third organization: authenticated, powerful at home, no member here."""
    with app.app_context():
        org = Organization.create(name="Rival Learning", kind="supplier")
        user = User(email="rita@rival.example", name="Rita Rival", organization=org,
                    org_role="admin")
        user.set_password("rival password")
        user.save()
    return user


def test_the_walk_covers_core_and_plugin_routes(app):
    endpoints = {rule.endpoint for rule in scoped_rules(app)}
    assert {"partnerships.show", "partnerships.members", "partnerships.add_member",
            "partnerships.set_stage", "stage_guide.guide"} <= endpoints


def test_outsider_gets_404_on_every_partnership_url(app, client, demo, outsider):
    login(client, "rita@rival.example", "rival password")
    token = csrf_token(client, "/profile")
    with app.app_context():
        member = PartnershipMember.select().where(PartnershipMember.partnership == demo).first()
    checked = 0
    for rule in scoped_rules(app):
        url = build(rule, demo.id, member.id)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method, data={"csrf_token": token},
                                   headers={"X-CSRFToken": token})
            assert response.status_code == 404, (method, url, response.status_code)
            assert "Leadership Academy" not in response.get_data(as_text=True)
            checked += 1
    assert checked >= 7


def test_missing_partnership_is_404_for_everyone(app, client, demo):
    login(client, "peggy@client.example")
    for rule in scoped_rules(app):
        if "GET" in rule.methods:
            assert client.get(build(rule, 999999, 1)).status_code == 404, rule.rule


def test_malformed_partnership_urls_are_404(client, demo):
    login(client, "peggy@client.example")
    for url in ("/partnerships/abc/", "/partnerships/-1/", "/partnerships/1.5/members",
                "/partnerships/%00/", "/partnerships/99999999999999999999999/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Not found" in response.get_data(as_text=True)


def test_viewer_reads_every_page_but_changes_nothing(app, client, demo):
    login(client, "victor@client.example")
    token = csrf_token(client, "/profile")
    with app.app_context():
        member = PartnershipMember.select().where(PartnershipMember.partnership == demo).first()
        before = [(m.id, m.role) for m in PartnershipMember.select().order_by(PartnershipMember.id)]
    for rule in scoped_rules(app):
        url = build(rule, demo.id, member.id)
        if "GET" in rule.methods and not re.search(r"<(?!int:partnership_id)", rule.rule):
            assert client.get(url).status_code in (200, 403), url
        for method in rule.methods & STATE_CHANGING:
            response = client.open(url, method=method, data={"csrf_token": token,
                                                               "role": "sponsor",
                                                               "stage": "selection"})
            if rule.endpoint in VIEWER_WRITES:
                assert response.status_code in (302, 404), (method, url, response.status_code)
                continue
            assert response.status_code == 403, (method, url, response.status_code)
    with app.app_context():
        after = [(m.id, m.role) for m in PartnershipMember.select().order_by(PartnershipMember.id)]
        assert after == before


def test_only_the_listed_views_let_viewers_write(app):
    """Opting a view in for viewers is deliberate: it must be added to VIEWER_WRITES."""
    views = app.view_functions
    opted_in = {rule.endpoint for rule in scoped_rules(app)
                if getattr(views[rule.endpoint], "portal_write_role", None) == "viewer"}
    assert opted_in == VIEWER_WRITES


def test_members_read_every_get_page_of_their_partnership(app, client, demo):
    """Every page is readable by members, except forms of views that declare a higher
    role (writing a library item needs an editor): those answer 403, never 404 or 500."""
    login(client, "sam@supplier.example")
    for rule in scoped_rules(app):
        if "GET" in rule.methods and set(rule.arguments) == {"partnership_id"}:
            view = app.view_functions[rule.endpoint]
            needs = getattr(view, "portal_write_role", "member")
            allowed = (200,) if needs in ("viewer", "member") else (200, 403)
            assert client.get(build(rule, demo.id, 0)).status_code in allowed, rule.rule
