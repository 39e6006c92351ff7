"""Partnership pages: overview, members and roles, lifecycle stage, profiles."""
from conftest import login, post

from portal.accounts.models import Organization, User
from portal.audit import AuditEntry
from portal.partnerships.models import Partnership, PartnershipMember


def member_id(app, partnership, email):
    with app.app_context():
        return PartnershipMember.get(PartnershipMember.partnership == partnership,
                                     PartnershipMember.user == User.get(User.email == email)).id


def test_overview_shows_members_roles_and_stage(client, demo):
    login(client, "peggy@client.example")
    html = client.get(f"/partnerships/{demo.id}/").get_data(as_text=True)
    assert "Jim Halpert" in html and "Supplier Co" in html
    assert "Sponsor" in html and "Editor" in html and "Viewer" in html
    assert 'aria-current="step">Co-creation &amp; delivery' in html
    for stage in ("Selection", "Onboarding &amp; immersion", "Governance &amp; growth"):
        assert stage in html


def test_editor_moves_the_partnership_to_another_stage(app, client, demo):
    login(client, "jim@supplier.example")
    response = post(client, f"/partnerships/{demo.id}/stage", {"stage": "governance"})
    assert response.status_code == 302
    with app.app_context():
        assert Partnership.get_by_id(demo.id).stage == "governance"
        entry = AuditEntry.select().where(AuditEntry.action == "stage_changed").get()
        assert entry.details == {"before": "co_creation", "after": "governance"}


def test_a_member_below_editor_cannot_change_the_stage(app, client, demo):
    login(client, "sam@supplier.example")
    response = post(client, f"/partnerships/{demo.id}/stage", {"stage": "selection"})
    assert response.status_code == 403
    assert "Your role in this partnership does not allow this action." in response.get_data(as_text=True)
    with app.app_context():
        assert Partnership.get_by_id(demo.id).stage == "co_creation"


def test_unknown_stage_is_refused_and_nothing_changes(app, client, demo):
    login(client, "jim@supplier.example")
    post(client, f"/partnerships/{demo.id}/stage", {"stage": "retirement"})
    html = client.get(f"/partnerships/{demo.id}/").get_data(as_text=True)
    assert "Pick one of the four lifecycle stages." in html
    with app.app_context():
        assert Partnership.get_by_id(demo.id).stage == "co_creation"


def test_org_admin_adds_a_colleague_with_a_role(app, client, demo):
    with app.app_context():
        newbie = User.create(email="nina@client.example", name="Nina New",
                             password_hash="x", organization=demo.client)
    login(client, "peggy@client.example")
    page = f"/partnerships/{demo.id}/members"
    assert "Nina New (Northwind Learning)" in client.get(page).get_data(as_text=True)
    response = post(client, page, {"user": newbie.id, "role": "editor"},
                    headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and 'id="members"' in fragment
    assert "Nina New joined as Editor." in fragment
    with app.app_context():
        assert PartnershipMember.get(PartnershipMember.user == newbie.id).role == "editor"


def test_members_page_is_also_a_full_page(client, demo):
    login(client, "peggy@client.example")
    html = client.get(f"/partnerships/{demo.id}/members").get_data(as_text=True)
    assert html.startswith("<!doctype html>") and 'id="members"' in html


def test_org_admin_cannot_add_people_of_the_other_organization(app, client, demo):
    with app.app_context():
        outsider = User.create(email="new@supplier.example", name="New Supplier Person",
                               password_hash="x", organization=demo.supplier)
    login(client, "peggy@client.example")
    response = post(client, f"/partnerships/{demo.id}/members",
                    {"user": outsider.id, "role": "member"})
    assert response.status_code == 422
    assert "Choose someone from the list." in response.get_data(as_text=True)
    with app.app_context():
        assert not PartnershipMember.select().where(PartnershipMember.user == outsider.id).exists()


def test_org_admin_changes_a_role_and_removes_a_member(app, client, demo):
    login(client, "peggy@client.example")
    victor = member_id(app, demo, "victor@client.example")
    response = post(client, f"/partnerships/{demo.id}/members/{victor}/role", {"role": "member"})
    assert response.status_code == 302
    with app.app_context():
        assert PartnershipMember.get_by_id(victor).role == "member"
    post(client, f"/partnerships/{demo.id}/members/{victor}/remove")
    with app.app_context():
        assert PartnershipMember.get_or_none(PartnershipMember.id == victor) is None


def test_org_admin_cannot_touch_the_other_sides_members(app, client, demo):
    login(client, "peggy@client.example")
    jim = member_id(app, demo, "jim@supplier.example")
    assert post(client, f"/partnerships/{demo.id}/members/{jim}/remove").status_code == 403
    with app.app_context():
        assert PartnershipMember.get_or_none(PartnershipMember.id == jim) is not None


def test_a_plain_member_cannot_manage_members(app, client, demo):
    login(client, "carla@client.example")  # editor, not an organization admin
    victor = member_id(app, demo, "victor@client.example")
    assert post(client, f"/partnerships/{demo.id}/members/{victor}/remove").status_code == 403


def test_org_admin_who_is_not_a_member_manages_members_but_cannot_read(app, client, demo):
    with app.app_context():
        PartnershipMember.delete().where(PartnershipMember.user == User.get(
            User.email == "sofia@supplier.example")).execute()
    login(client, "sofia@supplier.example")
    assert client.get(f"/partnerships/{demo.id}/members").status_code == 200
    assert client.get(f"/partnerships/{demo.id}/").status_code == 404
    html = client.get("/partnerships").get_data(as_text=True)
    assert "Partnerships of Supplier Co you manage" in html


def test_org_admin_creates_a_user_and_duplicates_are_refused(app, client, demo):
    login(client, "peggy@client.example")
    data = {"name": "Olga Owens", "email": "olga@client.example",
            "password": "a long password", "org_role": "member"}
    response = post(client, "/organization/users", data, page="/organization")
    assert response.status_code == 302
    again = post(client, "/organization/users", dict(data, email="OLGA@client.example"),
                 page="/organization")
    assert again.status_code == 409
    # Olga is in Peggy's own organization, listed on her page: she may be told.
    assert ("Someone in Northwind Learning already has an account with this email."
            in again.get_data(as_text=True))
    with app.app_context():
        olga = User.get(User.email == "olga@client.example")
        assert olga.organization.name == "Northwind Learning" and olga.check_password("a long password")
        assert User.select().where(User.email == "olga@client.example").count() == 1


def test_new_user_form_errors_sit_next_to_fields(client, demo):
    login(client, "peggy@client.example")
    response = post(client, "/organization/users",
                    {"name": "", "email": "not-an-email", "password": "short"}, page="/organization")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter the person&#39;s name." in html
    assert "That does not look like an email address." in html
    assert "Use at least 10 characters." in html


def test_members_cannot_open_the_organization_page(client, demo):
    login(client, "jim@supplier.example")
    assert client.get("/organization").status_code == 403


def test_user_edits_own_profile(app, client, demo):
    login(client, "jim@supplier.example")
    response = post(client, "/profile", {"name": "James Halpert", "timezone": "America/New_York"})
    assert response.status_code == 302
    with app.app_context():
        jim = User.get(User.email == "jim@supplier.example")
        assert (jim.name, jim.timezone) == ("James Halpert", "America/New_York")
    bad = post(client, "/profile", {"name": "", "timezone": "Mars/Olympus"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "Enter your name." in html and "Choose a time zone from the list." in html
    with app.app_context():
        assert User.get(User.email == "jim@supplier.example").name == "James Halpert"


def test_password_change_needs_the_current_password(app, client, demo):
    login(client, "jim@supplier.example")
    wrong = post(client, "/profile/password", {"pw-current": "guess", "pw-new": "a brand new secret"})
    assert "That is not your current password." in wrong.get_data(as_text=True)
    from conftest import DEMO_PASSWORD

    ok = post(client, "/profile/password", {"pw-current": DEMO_PASSWORD, "pw-new": "a brand new secret"})
    assert ok.status_code == 302
    with app.app_context():
        assert User.get(User.email == "jim@supplier.example").check_password("a brand new secret")


def test_site_admin_creates_organization_partnership_and_first_admin(app, client, demo):
    login(client, "admin@portal.example")
    assert post(client, "/admin/organizations", {"name": "Acme Training", "kind": "supplier"},
                page="/admin/").status_code == 302
    duplicate = post(client, "/admin/organizations", {"name": "Acme Training", "kind": "supplier"},
                     page="/admin/")
    assert duplicate.status_code == 409
    assert "An organization with this name already exists." in duplicate.get_data(as_text=True)
    with app.app_context():
        acme = Organization.get(Organization.name == "Acme Training")
    response = post(client, "/admin/users", {
        "organization": acme.id, "name": "Alice Acme", "email": "alice@acme.example",
        "password": "acme password 1", "org_role": "admin"}, page="/admin/")
    assert response.status_code == 302
    response = post(client, "/admin/partnerships", {
        "name": "Sales Onboarding", "client": demo.client_id, "supplier": acme.id,
        "stage": "selection", "contract_end": "2027-06-30", "description": ""}, page="/admin/")
    assert response.status_code == 302
    with app.app_context():
        p = Partnership.get(Partnership.name == "Sales Onboarding")
        assert (p.client_id, p.supplier_id, p.stage) == (demo.client_id, acme.id, "selection")
        assert str(p.contract_end) == "2027-06-30"


def test_partnership_needs_two_different_organizations(app, client, demo):
    login(client, "admin@portal.example")
    response = post(client, "/admin/partnerships", {
        "name": "Self", "client": demo.client_id, "supplier": demo.client_id,
        "stage": "selection"}, page="/admin/")
    assert response.status_code == 422
    assert "A partnership needs two different organizations." in response.get_data(as_text=True)


def test_only_site_admins_reach_admin_pages(client, demo):
    login(client, "peggy@client.example")
    for path in ("/admin/", "/admin/plugins", "/admin/audit"):
        assert client.get(path).status_code == 403


def test_audit_log_lists_changes(client, demo):
    login(client, "admin@portal.example")
    post(client, "/admin/organizations", {"name": "Audit Co", "kind": "client"}, page="/admin/")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "organization created" in html and "Audit Co" in html


def test_the_lifecycle_guide_shows_each_sides_groundwork(app, demo):
    """Seed 000: the client's six steps and the supplier's five, beside the four stages."""
    import re

    client = app.test_client()
    login(client, "jim@supplier.example")
    html = client.get(f"/partnerships/{demo.id}/lifecycle").get_data(as_text=True)
    assert 'aria-current="step"' in html  # the partnership's stage is marked
    for side, steps, org in (("client", 6, "Northwind Learning"), ("supplier", 5, "Supplier Co")):
        part = html[html.index(f'data-testid="process-{side}"'):]
        part = part[:part.index("</section>")]
        assert org in part and len(re.findall(r"<li>", part)) == steps
    assert "Power Up Your L&amp;D Partnerships" in html


def test_the_audit_log_leaves_out_details_that_are_empty(app, client, demo):
    from portal import audit

    with app.test_request_context():
        audit.record("section_saved", partnership=demo.id, section="Vision", revision=2,
                     merged_with=None)
    login(client, "admin@portal.example")
    html = client.get("/admin/audit").get_data(as_text=True)
    row = html[html.index("section saved"):][:600]
    assert "revision: 2" in row and "section: Vision" in row
    assert "merged" not in row and "None" not in row
