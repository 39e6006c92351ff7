"""The joint action plan, issue 11: whoever may add an action (editors and sponsors) can
correct its text, owners and due date and remove it, recorded in the audit log; members
and viewers cannot; another partnership's actions are not found."""
import datetime as dt

import pytest
from conftest import post

from portal.accounts.models import User
from portal.audit import AuditEntry
from portal.instruments.models import ActionItem
from portal.partnerships.models import Partnership, PartnershipMember


@pytest.fixture
def people(app, demo):
    with app.app_context():
        return {u.email.split("@")[0]: u for u in User.select()}


@pytest.fixture
def jim(as_user):
    return as_user("jim@supplier.example")


def plan(partnership_id):
    return f"/partnerships/{partnership_id}/actions"


def add_action(app, client, partnership_id, people, text="Agree a steadier pace"):
    response = post(client, plan(partnership_id), {
        "text": text, "client_owner": people["peggy"].id, "supplier_owner": people["jim"].id,
        "due_on": "2026-06-30"}, page=plan(partnership_id))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with app.app_context():
        return ActionItem.select().order_by(ActionItem.id.desc()).first().id


@pytest.fixture
def action(app, jim, demo, people):
    return add_action(app, jim, demo.id, people)


def state(app):
    with app.app_context():
        return sorted(tuple(sorted((k, str(v)) for k, v in row.items()))
                      for row in ActionItem.select().dicts())


def audited(app):
    with app.app_context():
        return [(e.action, e.details) for e in AuditEntry.select()
                .where(AuditEntry.action.in_(["action_edited", "action_removed"]))
                .order_by(AuditEntry.id)]


def test_editor_corrects_the_text_owners_and_due_date(app, jim, demo, people, action):
    page = jim.get(f"{plan(demo.id)}/{action}/edit")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-testid="correct-action"' in html
    assert "Agree a steadier pace</textarea>" in html and 'value="2026-06-30"' in html
    response = post(jim, f"{plan(demo.id)}/{action}/edit", {
        "text": "Agree a steadier pace, reviewed monthly", "client_owner": people["carla"].id,
        "supplier_owner": "0", "due_on": "2026-07-31"}, page=plan(demo.id))
    assert response.status_code == 302
    with app.app_context():
        item = ActionItem.get_by_id(action)
        assert (item.text, item.client_owner_id, item.supplier_owner_id, item.due_on) == (
            "Agree a steadier pace, reviewed monthly", people["carla"].id, None,
            dt.date(2026, 7, 31))
    (event, details), = audited(app)
    assert event == "action_edited" and details["action_item"] == action
    assert details["changed"]["due_on"] == ["2026-06-30", "2026-07-31"]
    assert "reviewed monthly" in jim.get(plan(demo.id)).get_data(as_text=True)


def test_sponsor_removes_an_action_after_a_confirmation(app, as_user, demo, action):
    peggy = as_user("peggy@client.example")
    html = peggy.get(f"{plan(demo.id)}/{action}/edit").get_data(as_text=True)
    assert 'data-confirm="Remove this action from the action plan?' in html
    assert post(peggy, f"{plan(demo.id)}/{action}/remove", page=plan(demo.id)).status_code == 302
    assert state(app) == []
    assert [event for event, _ in audited(app)] == ["action_removed"]
    assert "No actions yet" in peggy.get(plan(demo.id)).get_data(as_text=True)


def test_a_correction_without_text_or_with_a_stranger_as_owner_is_refused(
        app, jim, demo, people, action):
    before = state(app)
    empty = post(jim, f"{plan(demo.id)}/{action}/edit", {
        "text": " ", "client_owner": "0", "supplier_owner": "0"}, page=plan(demo.id))
    assert empty.status_code == 422 and "Describe the action." in empty.get_data(as_text=True)
    stranger = post(jim, f"{plan(demo.id)}/{action}/edit", {
        "text": "x", "client_owner": people["jim"].id, "supplier_owner": "0"}, page=plan(demo.id))
    assert stranger.status_code == 422
    assert "Choose a member of the client side." in stranger.get_data(as_text=True)
    nul = post(jim, f"{plan(demo.id)}/{action}/edit", {
        "text": "a\x00b", "client_owner": "0", "supplier_owner": "0"}, page=plan(demo.id))
    assert nul.status_code == 422 and "NUL character" in nul.get_data(as_text=True)
    assert state(app) == before and audited(app) == []


def test_an_owner_who_left_stays_a_choice_when_the_text_is_corrected(app, jim, demo, people, action):
    with app.app_context():
        PartnershipMember.delete().where(PartnershipMember.user == people["peggy"].id).execute()
    html = jim.get(f"{plan(demo.id)}/{action}/edit").get_data(as_text=True)
    assert "Peggy Olson (no longer a member)" in html
    assert post(jim, f"{plan(demo.id)}/{action}/edit", {
        "text": "Reworded", "client_owner": people["peggy"].id,
        "supplier_owner": people["jim"].id}, page=plan(demo.id)).status_code == 302
    with app.app_context():
        assert ActionItem.get_by_id(action).client_owner_id == people["peggy"].id


@pytest.mark.parametrize("email", ["sam@supplier.example", "victor@client.example"])
def test_members_and_viewers_get_403_and_nothing_changes(app, as_user, demo, people, action, email):
    with app.app_context():  # an owner may set the status, not rewrite the action
        ActionItem.update(supplier_owner=people["sam"].id).where(ActionItem.id == action).execute()
    before = state(app)
    client = as_user(email)
    assert client.get(f"{plan(demo.id)}/{action}/edit").status_code == 403
    assert post(client, f"{plan(demo.id)}/{action}/edit", {
        "text": "Mine now", "client_owner": "0", "supplier_owner": "0"}).status_code == 403
    assert post(client, f"{plan(demo.id)}/{action}/remove").status_code == 403
    assert state(app) == before and audited(app) == []
    html = client.get(plan(demo.id)).get_data(as_text=True)
    assert "Correct or remove" not in html and "/edit" not in html


def test_another_partnerships_action_gives_404(app, jim, demo, people, action):
    with app.app_context():
        other = Partnership.create(name="Other", client=demo.client, supplier=demo.supplier)
        PartnershipMember.create(partnership=other, user=people["jim"].id, role="editor")
        PartnershipMember.create(partnership=other, user=people["peggy"].id, role="sponsor")
    theirs = add_action(app, jim, other.id, people, text="Their action")
    before = state(app)
    assert jim.get(f"{plan(demo.id)}/{theirs}/edit").status_code == 404
    assert post(jim, f"{plan(demo.id)}/{theirs}/edit", {
        "text": "Hijacked", "client_owner": "0", "supplier_owner": "0"}).status_code == 404
    assert post(jim, f"{plan(demo.id)}/{theirs}/remove").status_code == 404
    assert jim.get(f"{plan(demo.id)}/{action + 1000}/edit").status_code == 404
    assert state(app) == before and audited(app) == []
