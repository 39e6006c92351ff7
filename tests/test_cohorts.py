"""Cohorts: forming one across both organizations, progress per member, and the
discussion of each item (posts, replies, the edit window, reporting, hiding).

Seed 004: cohorts are small peer groups for collaboration and feedback. The checks are
what people read on the pages and what the database holds.
"""
import datetime as dt
import html as html_lib
import re

import pytest
from conftest import login, post

from portal.accounts.models import Organization, User
from portal.audit import AuditEntry
from portal.content import cohorts
from portal.content.cohorts import Cohort, CohortItem, Post
from portal.content.cohorts import clock as cohort_clock
from portal.content.models import Completion, ContentItem
from portal.notifications import Notification
from portal.partnerships.models import Partnership, PartnershipMember



@pytest.fixture
def app(make_app):
    """Strict plugins: a raising tab fails the test instead of becoming an error card."""
    return make_app(PORTAL_PLUGINS_STRICT=True)


@pytest.fixture
def items(app, demo):
    """Three items of the shared library (the app may also load content/; not used here)."""
    with app.app_context():
        return [ContentItem.create(slug=f"cohort-test-{n}", source="file", title=f"Practice {n}",
                                   summary=f"Summary {n}", body=f"Body {n}", html=f"<p>Body {n}</p>")
                for n in (1, 2, 3)]


def user(app, email):
    with app.app_context():
        return User.get(User.email == email)


def as_user(app, email):
    client = app.test_client()
    login(client, email)
    return client


def base(partnership):
    return f"/partnerships/{partnership.id}/cohorts"


def make_cohort(app, partnership, emails, items, name="Pilot managers", creator="carla@client.example"):
    """A cohort formed the way the page forms it, straight through the module."""
    with app.test_request_context():
        people = {u.email: u for u in User.select()}
        schedule = [(item, dt.date.today() + dt.timedelta(days=7 * (n + 1))) for n, item in enumerate(items)]
        return cohorts.create_cohort(
            partnership, people[creator], name, "Learning to coach", dt.date.today() - dt.timedelta(days=1),
            dt.date.today() + dt.timedelta(days=60), [people[e].id for e in emails], schedule)


def thread_url(partnership, cohort, item):
    return f"{base(partnership)}/{cohort.id}/items/{item.id}"


def form_data(items, members, **fields):
    data = {"name": "Spring coaching circle", "description": "Coaching first-line managers",
            "starts_on": dt.date.today().isoformat(), "ends_on": (dt.date.today() + dt.timedelta(days=42)).isoformat(),
            "members": [str(m) for m in members], "items": [str(i.id) for i in items]}
    data.update(fields)
    return data


# Forming a cohort -------------------------------------------------------------------

def test_editor_forms_a_cohort_from_both_organizations(app, demo, items):
    carla = as_user(app, "carla@client.example")
    peggy, sam = user(app, "peggy@client.example"), user(app, "sam@supplier.example")
    later = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    data = form_data(items[:2], [peggy.id, sam.id], **{f"due-{items[1].id}": later})
    response = post(carla, base(demo), data, page=base(demo))
    assert response.status_code == 302
    with app.app_context():
        cohort = Cohort.get(Cohort.name == "Spring coaching circle")
        assert {m.user_id for m in cohort.members} == {peggy.id, sam.id}
        schedule = list(CohortItem.select().where(CohortItem.cohort == cohort)
                        .order_by(CohortItem.position))
        # Earliest due date first; an empty due date is the cohort's last day.
        assert [(e.item_id, e.due_on) for e in schedule] == [
            (items[1].id, dt.date.today() + dt.timedelta(days=10)), (items[0].id, dt.date.today() + dt.timedelta(days=42))]
        entry = AuditEntry.get(AuditEntry.action == "cohort_created")
        assert entry.details["members"] == sorted([peggy.id, sam.id])
        told = {n.user_id for n in Notification.select()}
        assert told == {peggy.id, sam.id}
    page = carla.get(response.headers["Location"]).get_data(as_text=True)
    assert "is formed with 2 members and 2 items" in page
    assert page.index("Practice 2") < page.index("Practice 1")
    # The cohort is listed for everyone in the partnership, and the tab leads there.
    listing = as_user(app, "jim@supplier.example").get(base(demo)).get_data(as_text=True)
    assert "Spring coaching circle" in listing and f'href="{base(demo)}"' in listing


def test_a_cohort_needs_members_from_both_organizations(app, demo, items):
    carla = as_user(app, "carla@client.example")
    peggy = user(app, "peggy@client.example")
    response = post(carla, base(demo), form_data(items[:1], [peggy.id]), page=base(demo))
    assert response.status_code == 422
    page = html_lib.unescape(response.get_data(as_text=True))
    assert "A cohort learns across the partnership: add at least one member from Supplier Co too." in page
    assert 'value="Spring coaching circle"' in page  # what was typed is kept
    assert re.search(rf'value="{peggy.id}" checked', page)
    with app.app_context():
        assert Cohort.select().count() == 0


def test_only_members_of_the_partnership_can_join(app, demo, items):
    carla = as_user(app, "carla@client.example")
    peggy, victor = user(app, "peggy@client.example"), user(app, "victor@client.example")
    with app.app_context():
        rival = Organization.create(name="Rival Learning", kind="supplier")
        stranger = User.create(email="rita@rival.example", name="Rita Rival", organization=rival,
                               password_hash="x")
    response = post(carla, base(demo), form_data(items[:1], [peggy.id, stranger.id]), page=base(demo))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Only members of this partnership can join one of its cohorts" in page
    assert "Rita Rival" not in page
    response = post(carla, base(demo), form_data(items[:1], [victor.id, user(app, "sam@supplier.example").id]),
                    page=base(demo))
    assert response.status_code == 422
    assert "Victor Hale only view this partnership" in response.get_data(as_text=True)
    with app.app_context():
        assert Cohort.select().count() == 0


def test_dates_and_items_are_checked(app, demo, items):
    carla = as_user(app, "carla@client.example")
    people = [user(app, "peggy@client.example").id, user(app, "sam@supplier.example").id]
    outside = (dt.date.today() + dt.timedelta(days=100)).isoformat()
    response = post(carla, base(demo), form_data(items[:1], people, **{f"due-{items[0].id}": outside}),
                    page=base(demo))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose a date between the first and the last day." in page
    assert f'value="{outside}"' in page
    response = post(carla, base(demo), form_data([], people, ends_on=(dt.date.today() - dt.timedelta(days=3)).isoformat()),
                    page=base(demo))
    page = response.get_data(as_text=True)
    assert "The last day must be on or after the first day." in page
    assert "Choose at least one item of the library to work through." in page
    with app.app_context():
        assert Cohort.select().count() == 0


def test_members_cannot_form_cohorts(app, demo, items):
    sam = as_user(app, "sam@supplier.example")
    people = [user(app, "peggy@client.example").id, user(app, "sam@supplier.example").id]
    assert post(sam, base(demo), form_data(items[:1], people), page=base(demo)).status_code == 403
    assert 'id="new-cohort"' not in sam.get(base(demo)).get_data(as_text=True)


def test_a_cohort_of_another_partnership_is_not_found(app, demo, items):
    with app.app_context():
        other = Partnership.create(name="Another academy", client=demo.client, supplier=demo.supplier)
        for email in ("peggy@client.example", "sam@supplier.example"):
            PartnershipMember.create(partnership=other, user=User.get(User.email == email), role="member")
    cohort = make_cohort(app, other, ["peggy@client.example", "sam@supplier.example"], items[:1],
                         creator="peggy@client.example")
    peggy = as_user(app, "peggy@client.example")
    assert peggy.get(f"{base(demo)}/{cohort.id}").status_code == 404
    assert peggy.get(thread_url(demo, cohort, items[0])).status_code == 404
    assert peggy.get(f"{base(other)}/{cohort.id}").status_code == 200


# Progress -------------------------------------------------------------------------------

def progress_rows(page):
    rows = re.findall(r'<tr data-testid="progress-row">(.*?)</tr>', page, re.S)
    return {re.search(r'<th scope="row">([^<]+?) <', row).group(1): re.sub(r"\s+", " ", row)
            for row in rows}


def test_progress_shows_what_each_member_read_and_posted(app, demo, items):
    cohort = make_cohort(app, demo, ["peggy@client.example", "sam@supplier.example"], items[:2])
    sam, peggy = user(app, "sam@supplier.example"), user(app, "peggy@client.example")
    with app.app_context():
        Completion.create(user=sam, partnership=demo, item=items[0])
        Completion.create(user=sam, partnership=demo, item=items[1])
        Completion.create(user=peggy, partnership=demo, item=items[0])
        Completion.create(user=peggy, partnership=demo, item=items[2])  # not in the schedule
    post(as_user(app, "peggy@client.example"), thread_url(demo, cohort, items[1]), {"body": "First thoughts"})
    page = as_user(app, "victor@client.example").get(f"{base(demo)}/{cohort.id}").get_data(as_text=True)
    rows = progress_rows(page)
    assert set(rows) == {"Peggy Olson", "Sam Okafor"}
    assert "2 of 2" in rows["Sam Okafor"] and "Not read" not in rows["Sam Okafor"]
    assert 'value="1"' in rows["Peggy Olson"] and "1 of 2" in rows["Peggy Olson"]
    assert "Not read yet · posted" in rows["Peggy Olson"]
    assert "Read by 2 of 2" in page and "Read by 1 of 2" in page
    assert "1 post<" in page


def test_completions_in_another_partnership_do_not_count(app, demo, items):
    cohort = make_cohort(app, demo, ["peggy@client.example", "sam@supplier.example"], items[:1])
    with app.app_context():
        other = Partnership.create(name="Another academy", client=demo.client, supplier=demo.supplier)
        Completion.create(user=User.get(User.email == "sam@supplier.example"), partnership=other,
                          item=items[0])
    page = as_user(app, "sam@supplier.example").get(f"{base(demo)}/{cohort.id}").get_data(as_text=True)
    assert "0 of 1" in progress_rows(page)["Sam Okafor"]


# Discussion ----------------------------------------------------------------------------

@pytest.fixture
def cohort(app, demo, items):
    return make_cohort(app, demo, ["peggy@client.example", "sam@supplier.example"], items[:2])


def test_posts_and_replies_one_level_deep(app, demo, items, cohort):
    url = thread_url(demo, cohort, items[0])
    sam, peggy = as_user(app, "sam@supplier.example"), as_user(app, "peggy@client.example")
    response = post(sam, url, {"body": "I will try asking *open* questions."}, page=url)
    assert response.status_code == 302 and "#post-" in response.headers["Location"]
    with app.app_context():
        top = Post.get()
        assert top.html == "<p>I will try asking <em>open</em> questions.</p>"
    post(peggy, url, {"body": "Tell us how it goes", "parent_id": str(top.id)}, page=url)
    with app.app_context():
        reply = Post.get(Post.parent == top)
    # A reply to a reply answers the thread.
    post(sam, url, {"body": "Will do", "parent_id": str(reply.id)}, page=url)
    with app.app_context():
        assert [p.parent_id for p in Post.select().order_by(Post.id)] == [None, top.id, top.id]
    page = peggy.get(url).get_data(as_text=True)
    thread = page[page.index(f'id="thread-{top.id}"'):]
    assert thread.index("open</em> questions") < thread.index("Tell us how it goes") < thread.index("Will do")
    # Other items' threads are separate.
    assert "Tell us how it goes" not in peggy.get(thread_url(demo, cohort, items[1])).get_data(as_text=True)


def test_htmx_reply_returns_only_its_thread(app, demo, items, cohort):
    url = thread_url(demo, cohort, items[0])
    sam = as_user(app, "sam@supplier.example")
    post(sam, url, {"body": "Opening post"}, page=url)
    with app.app_context():
        top = Post.get()
    peggy = as_user(app, "peggy@client.example")
    response = post(peggy, url, {"body": "In place", "parent_id": str(top.id)}, page=url,
                    headers={"HX-Request": "true"})
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment and fragment.lstrip().startswith(f'<article class="post-thread" id="thread-{top.id}"')
    assert "In place" in fragment and "Your reply is posted." in fragment
    empty = post(peggy, url, {"body": "  ", "parent_id": str(top.id)}, page=url,
                 headers={"HX-Request": "true"})
    assert empty.status_code == 422 and "Write something before posting." in empty.get_data(as_text=True)


def test_a_post_with_script_is_kept_as_text_and_never_runs(app, demo, items, cohort):
    url = thread_url(demo, cohort, items[0])
    sam = as_user(app, "sam@supplier.example")
    body = "<script>alert('x')</script> **Still here** <img src=x onerror=alert(1)>"
    response = post(sam, url, {"body": body}, page=url, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "nothing you wrote was lost" in page
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page or \
        "&lt;script&gt;alert('x')&lt;/script&gt;" in page
    assert "<strong>Still here</strong>" in page
    with app.app_context():
        assert Post.get().body == body  # exactly what was typed


def test_empty_and_oversized_posts_get_a_message_and_keep_the_text(app, demo, items, cohort):
    url = thread_url(demo, cohort, items[0])
    sam = as_user(app, "sam@supplier.example")
    response = post(sam, url, {"body": "   "}, page=url)
    assert response.status_code == 422
    assert "Write something before posting." in response.get_data(as_text=True)
    long_text = "word " * 2100
    response = post(sam, url, {"body": long_text}, page=url)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Keep a post under 10,000 characters" in page and long_text.strip() in page
    with app.app_context():
        assert Post.select().count() == 0


def test_members_outside_the_cohort_read_but_do_not_post(app, demo, items):
    cohort = make_cohort(app, demo, ["peggy@client.example", "jim@supplier.example"], items[:1])
    url = thread_url(demo, cohort, items[0])
    post(as_user(app, "jim@supplier.example"), url, {"body": "From the cohort"}, page=url)
    sam = as_user(app, "sam@supplier.example")
    page = sam.get(url).get_data(as_text=True)
    assert "From the cohort" in page and 'data-testid="read-only"' in page and 'id="new-post"' not in page
    response = post(sam, url, {"body": "Let me in"}, page=url)
    assert response.status_code == 403
    assert "Only members of this cohort and the partnership&#39;s editors post here" in response.get_data(as_text=True)
    # Editors lead the discussion whether or not they are members.
    assert post(as_user(app, "carla@client.example"), url, {"body": "Editor here"}, page=url).status_code == 302
    with app.app_context():
        assert Post.select().where(Post.body == "Let me in").count() == 0


# Edit window ---------------------------------------------------------------------------

def test_authors_edit_within_the_window_and_not_after(app, demo, items, cohort, monkeypatch):
    clock = [dt.datetime(2030, 5, 1, 9, 0)]
    monkeypatch.setattr(cohort_clock, "now", lambda: clock[0])
    url = thread_url(demo, cohort, items[0])
    sam = as_user(app, "sam@supplier.example")
    post(sam, url, {"body": "First version"}, page=url)
    with app.app_context():
        first = Post.get()
    edit = f"{base(demo)}/{cohort.id}/posts/{first.id}/edit"
    assert 'href="' + edit + '"' in sam.get(url).get_data(as_text=True)

    clock[0] += dt.timedelta(minutes=10)
    assert "Change your post" in sam.get(edit).get_data(as_text=True)
    response = post(sam, edit, {"body": "Second version"}, page=edit)
    assert response.status_code == 302
    with app.app_context():
        changed = Post.get_by_id(first.id)
        assert changed.body == "Second version" and changed.edited_at == clock[0]

    clock[0] += dt.timedelta(minutes=6)  # 16 minutes after posting
    assert 'href="' + edit + '"' not in sam.get(url).get_data(as_text=True)
    response = post(sam, edit, {"body": "Third version"}, page=edit)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "A post can be changed for 15 minutes after posting" in page
    assert "Third version" in page and "Post it as a reply" in page  # nothing typed is lost
    with app.app_context():
        assert Post.get_by_id(first.id).body == "Second version"


def test_only_the_author_edits_a_post(app, demo, items, cohort):
    url = thread_url(demo, cohort, items[0])
    post(as_user(app, "sam@supplier.example"), url, {"body": "Mine"}, page=url)
    with app.app_context():
        first = Post.get()
    edit = f"{base(demo)}/{cohort.id}/posts/{first.id}/edit"
    peggy = as_user(app, "peggy@client.example")
    assert peggy.get(edit).status_code == 403
    assert post(peggy, edit, {"body": "Not mine"}, page=url).status_code == 403
    with app.app_context():
        assert Post.get_by_id(first.id).body == "Mine"


# Reporting and hiding ---------------------------------------------------------------------

def test_reporting_a_post_notifies_the_editors(app, demo, items, cohort):
    url = thread_url(demo, cohort, items[0])
    post(as_user(app, "carla@client.example"), url, {"body": "Something rude"}, page=url)
    with app.app_context():
        target = Post.get()
    report = f"{base(demo)}/{cohort.id}/posts/{target.id}/report"
    sam = as_user(app, "sam@supplier.example")
    response = post(sam, report, {"reason": ""}, page=url)
    assert response.status_code == 422
    assert "Say in a few words why this post should not be here" in response.get_data(as_text=True)
    response = post(sam, report, {"reason": "Not how we talk to each other"}, page=url)
    assert response.status_code == 302
    with app.app_context():
        told = {u.email for u in User.select().join(Notification, on=(Notification.user == User.id))
                .where(Notification.text.contains("reported a post"))}
        # Editors and sponsors, but neither the reporter nor the author.
        assert told == {"peggy@client.example", "jim@supplier.example", "sofia@supplier.example"}
        entry = AuditEntry.get(AuditEntry.action == "cohort_post_reported")
        assert entry.details["reason"] == "Not how we talk to each other"
        assert Post.get_by_id(target.id).reported_by_id == user(app, "sam@supplier.example").id
    page = sam.get(url).get_data(as_text=True)
    assert 'data-testid="reported"' in page and "Something rude" in page
    assert "Not how we talk to each other" not in page  # the reason is for the editors
    assert "Not how we talk to each other" in as_user(app, "jim@supplier.example").get(url).get_data(as_text=True)
    again = post(as_user(app, "peggy@client.example"), report, {"reason": "Still rude"}, page=url,
                 follow_redirects=True)
    assert "already reported" in again.get_data(as_text=True)


def test_authors_cannot_report_themselves(app, demo, items, cohort):
    url = thread_url(demo, cohort, items[0])
    sam = as_user(app, "sam@supplier.example")
    post(sam, url, {"body": "Mine"}, page=url)
    with app.app_context():
        target = Post.get()
    response = post(sam, f"{base(demo)}/{cohort.id}/posts/{target.id}/report", {"reason": "x"}, page=url)
    assert response.status_code == 409
    with app.app_context():
        assert Post.get_by_id(target.id).reported_at is None


def test_editors_hide_a_reported_post(app, demo, items, cohort):
    url = thread_url(demo, cohort, items[0])
    post(as_user(app, "sam@supplier.example"), url, {"body": "Off topic rant"}, page=url)
    with app.app_context():
        target = Post.get()
    hide = f"{base(demo)}/{cohort.id}/posts/{target.id}/hide"
    assert post(as_user(app, "peggy@client.example"), hide, {"hidden": "1"}, page=url).status_code == 302  # sponsor
    assert post(as_user(app, "sam@supplier.example"), hide, {"hidden": "0"}, page=url).status_code == 403
    victor_page = as_user(app, "victor@client.example").get(url).get_data(as_text=True)
    assert "Off topic rant" not in victor_page and "An editor hid this post" in victor_page
    assert "Off topic rant" in as_user(app, "sam@supplier.example").get(url).get_data(as_text=True)
    with app.app_context():
        assert AuditEntry.get(AuditEntry.action == "cohort_post_hidden").details["post"] == target.id


# What the library's item page uses ----------------------------------------------------------

def test_cohorts_with_item_lists_the_users_cohorts_first(app, demo, items):
    theirs = make_cohort(app, demo, ["peggy@client.example", "jim@supplier.example"], items[:1], name="Theirs")
    ours = make_cohort(app, demo, ["carla@client.example", "sam@supplier.example"], items[:2], name="Ours")
    with app.test_request_context():
        sam = User.get(User.email == "sam@supplier.example")
        found = cohorts.cohorts_with_item(sam, demo, items[0])
        assert [(c.name, c.joined) for c in found] == [("Ours", True), ("Theirs", False)]
        assert [c.name for c in cohorts.cohorts_with_item(sam, demo, items[1])] == ["Ours"]
        assert cohorts.cohorts_with_item(sam, demo, items[2]) == []
        from flask import render_template

        snippet = render_template("cohorts/_for_item.html", partnership=demo, item=items[0], cohorts=found)
        assert thread_url(demo, ours, items[0]) in snippet and thread_url(demo, theirs, items[0]) in snippet
        assert "your cohort" in snippet


def test_a_mention_in_a_post_notifies_the_member_once(app, demo, items, cohort):
    """Issue 13: @mentions in cohort discussions notified nobody."""
    from portal.notifications import Notification

    def mentions(email):
        with app.app_context():
            return [(n.text, n.url) for n in Notification.select().join(User)
                    .where(User.email == email, Notification.text.contains("in the cohort"))]

    url = thread_url(demo, cohort, items[0])
    sam = as_user(app, "sam@supplier.example")
    post(sam, url, {"body": "@Peggy Olson which principle first? @Sam notes below."}, page=url)
    with app.app_context():
        first = Post.get()
    told = [(f"Sam Okafor mentioned you in the cohort “{cohort.name}”.", f"{url}#post-{first.id}")]
    assert mentions("peggy@client.example") == told
    assert mentions("sam@supplier.example") == []  # not the author
    # An edit that keeps the mention does not tell Peggy again; one that adds Jim tells him.
    edit = f"{base(demo)}/{cohort.id}/posts/{first.id}/edit"
    assert post(sam, edit, {"body": "@Peggy Olson and @Jim: which principle first?"},
                page=edit).status_code == 302
    assert mentions("peggy@client.example") == told
    assert mentions("jim@supplier.example") == told


@pytest.mark.parametrize("email, says", [("peggy@client.example", "as a sponsor of the partnership"),
                                         ("carla@client.example", "as an editor of the partnership")])
def test_someone_who_may_post_without_being_a_member_is_told_why_in_their_role(app, demo, items, email, says):
    cohort = make_cohort(app, demo, ["jim@supplier.example", "victor@client.example"], items)
    html = as_user(app, email).get(f"{base(demo)}/{cohort.id}").get_data(as_text=True)
    assert f"You are not a member of this cohort; {says} you can post" in html
