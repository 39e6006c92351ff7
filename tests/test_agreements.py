"""The jointly written agreement: saving with merges and conflicts, drafts, presence,
live refresh, history, comments, ratification and export."""
import datetime as dt
import re

import pytest
from conftest import a_minute_passes, login, post

from portal.accounts.models import User
from portal.agreements.models import (
    AgreementVersion, Comment, EditDraft, Ratification, Section, SectionRevision,
)
from portal.audit import AuditEntry
from portal.notifications import Notification
from portal.partnerships.models import Partnership


@pytest.fixture
def peggy(app, demo):
    client = app.test_client()
    login(client, "peggy@client.example")
    return client


@pytest.fixture
def jim(app, demo):
    client = app.test_client()
    login(client, "jim@supplier.example")
    return client


def agreement_url(partnership):
    return f"/partnerships/{partnership.id}/agreement"


def section_id(app, partnership, title="Relational expectations"):
    with app.app_context():
        return Section.get(Section.title == title).id


def head(app, sid):
    with app.app_context():
        return SectionRevision.get_by_id(Section.get_by_id(sid).head)


def save(client, partnership, sid, body, base_id, **extra):
    url = f"{agreement_url(partnership)}/sections/{sid}/edit"
    data = {"body": body, "base_id": base_id or "", "summary": extra.pop("summary", "")}
    data.update(extra)
    return post(client, url, data, page=agreement_url(partnership))


TEXT = "Both teams answer questions within 48 hours.\n\nEscalations go to the sponsors.\n\nWe meet every month.\n"


def seeded(app, demo, peggy):
    peggy.get(agreement_url(demo))
    sid = section_id(app, demo)
    assert save(peggy, demo, sid, TEXT, None).status_code == 302
    return sid, head(app, sid)


def test_agreement_starts_with_the_seed_sections(app, peggy, demo):
    html = peggy.get(agreement_url(demo)).get_data(as_text=True)
    for title in ("Vision", "Mission", "Strategic directions", "Relational expectations",
                  "Roles and responsibilities", "Tasks", "Mutual benefits and how they are measured",
                  "Governance cadence"):
        assert f"<h2>{title}</h2>" in html


def test_an_editor_saves_a_revision_and_readers_see_it(app, peggy, jim, demo):
    sid, first = seeded(app, demo, peggy)
    assert (first.number, first.author.email, first.organization.name) == (1, "peggy@client.example", "Northwind Learning")
    html = jim.get(agreement_url(demo)).get_data(as_text=True)
    assert "Both teams answer questions within 48 hours." in html


def test_only_editors_save(app, demo):
    sam = app.test_client()
    login(sam, "sam@supplier.example")
    sam.get(agreement_url(demo))
    sid = section_id(app, demo)
    assert sam.get(f"{agreement_url(demo)}/sections/{sid}/edit").status_code == 403
    assert save(sam, demo, sid, "Sam's text", None).status_code == 403
    with app.app_context():
        assert SectionRevision.select().count() == 0


def test_non_overlapping_edits_merge_and_say_whose(app, peggy, jim, demo):
    sid, base = seeded(app, demo, peggy)
    save(jim, demo, sid, TEXT.replace("every month", "every two weeks"), base.id)
    response = save(peggy, demo, sid, TEXT.replace("Escalations go to the sponsors.",
                                                   "Escalations go to both sponsors."), base.id)
    assert response.status_code == 302
    page = peggy.get(response.headers["Location"]).get_data(as_text=True)
    assert "Jim Halpert had changed this section meanwhile" in page and "See what changed" in page
    merged = head(app, sid)
    assert "every two weeks" in merged.body and "both sponsors" in merged.body
    assert merged.number == 3 and merged.merged_with.author.email == "jim@supplier.example"


def test_overlapping_edits_show_the_conflict_view_and_keep_both_texts(app, peggy, jim, demo):
    sid, base = seeded(app, demo, peggy)
    save(jim, demo, sid, TEXT.replace("48 hours", "72 hours"), base.id)
    response = save(peggy, demo, sid, TEXT.replace("48 hours", "24 hours"), base.id)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "72 hours" in html and "24 hours" in html and "7224" not in html and "2472" not in html
    assert head(app, sid).number == 2  # nothing saved by the conflict
    with app.app_context():
        assert "24 hours" in EditDraft.get().body  # the user's text is kept
    # Resolve: keep Peggy's line.
    data = {"mine": re.search(r'<textarea name="mine" hidden>(.*?)</textarea>', html, re.S).group(1),
            "base_id": base.id, "head_id": head(app, sid).id, "pick-0": "mine"}
    resolved = post(peggy, f"{agreement_url(demo)}/sections/{sid}/resolve", data, page=agreement_url(demo))
    assert resolved.status_code == 302
    final = head(app, sid)
    assert "24 hours" in final.body and "72 hours" not in final.body and final.number == 3


def test_conflict_can_be_resolved_with_new_text(app, peggy, jim, demo):
    sid, base = seeded(app, demo, peggy)
    save(jim, demo, sid, TEXT.replace("48 hours", "72 hours"), base.id)
    mine = TEXT.replace("48 hours", "24 hours")
    save(peggy, demo, sid, mine, base.id)
    post(peggy, f"{agreement_url(demo)}/sections/{sid}/resolve",
         {"mine": mine, "base_id": base.id, "head_id": head(app, sid).id, "pick-0": "edit",
          "text-0": "Both teams answer questions within 36 hours.\n"}, page=agreement_url(demo))
    assert "within 36 hours" in head(app, sid).body


@pytest.mark.parametrize("body, status, message", [
    ("", 422, "A section cannot be empty"),
    ("x" * 250_000, 422, "a section holds at most 200,000"),
])
def test_bad_bodies_are_refused_and_kept(app, peggy, demo, body, status, message):
    peggy.get(agreement_url(demo))
    sid = section_id(app, demo)
    response = save(peggy, demo, sid, body, None)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert SectionRevision.select().count() == 0


def test_a_five_megabyte_body_is_refused_with_a_message(app, peggy, demo):
    peggy.get(agreement_url(demo))
    sid = section_id(app, demo)
    response = save(peggy, demo, sid, "y" * (5 * 1024 * 1024), None)
    assert response.status_code == 413
    assert "Nothing was saved" in response.get_data(as_text=True)


def test_unknown_base_revision_is_refused(app, peggy, demo):
    peggy.get(agreement_url(demo))
    sid = section_id(app, demo)
    response = save(peggy, demo, sid, "Some text", 999999)
    assert response.status_code == 422
    assert "does not exist in this section" in response.get_data(as_text=True)


def test_another_partnerships_section_is_404(app, peggy, demo):
    with app.app_context():
        other = Partnership.create(name="Other", client=demo.client, supplier=demo.supplier)
        from portal.partnerships.models import PartnershipMember

        PartnershipMember.create(partnership=other, user=User.get(User.email == "peggy@client.example"), role="editor")
    peggy.get(agreement_url(demo))
    sid = section_id(app, demo)
    response = post(peggy, f"/partnerships/{other.id}/agreement/sections/{sid}/edit",
                    {"body": "x", "base_id": ""}, page=agreement_url(demo))
    assert response.status_code == 404


def test_script_in_markdown_never_reaches_the_page(app, peggy, demo):
    peggy.get(agreement_url(demo))
    sid = section_id(app, demo)
    evil = ('Hello <script>alert(1)</script> <img src=x onerror=alert(2)> '
            '[click](javascript:alert(3)) <a href="https://example.org" onclick="x()">ok</a>\n')
    save(peggy, demo, sid, evil, None)
    html = head(app, sid).html
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    assert "onclick" not in html and "Hello" in html


def test_bracketed_placeholders_stay_text_and_defined_references_become_links(app, peggy, demo):
    """Link patterns skip their scan when a text cannot hold a link (markup.py): what a
    reader sees is what Python-Markdown gives either way."""
    peggy.get(agreement_url(demo))
    sid = section_id(app, demo)
    save(peggy, demo, sid, "[Client] pays [Supplier] within [30] days; see [the terms][t].\n", None)
    assert head(app, sid).html == ("<p>[Client] pays [Supplier] within [30] days; "
                                   "see [the terms][t].</p>")
    saved = save(peggy, demo, sid, "[Client] pays; see [the terms][t], [Terms] and [all](/x).\n\n"
                 "[t]: https://example.org/terms\n[terms]: https://example.org/all\n",
                 head(app, sid).id)
    assert saved.status_code == 302
    html = head(app, sid).html
    assert html.startswith("<p>[Client] pays; see <a href=\"https://example.org/terms\" rel=")
    assert ">the terms</a>, <a href=\"https://example.org/all\"" in html and ">Terms</a> and " in html
    assert '<a href="/x" rel="noopener noreferrer nofollow">all</a>.</p>' in html


def test_drafts_autosave_and_come_back(app, peggy, demo):
    peggy.get(agreement_url(demo))
    sid = section_id(app, demo)
    response = post(peggy, f"{agreement_url(demo)}/sections/{sid}/draft",
                    {"body": "Half-written thought", "base_id": ""}, page=agreement_url(demo),
                    headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Draft saved on the server" in response.get_data(as_text=True)
    editor = peggy.get(f"{agreement_url(demo)}/sections/{sid}/edit").get_data(as_text=True)
    assert "Half-written thought" in editor and "Your unsaved draft is restored" in editor


def test_a_draft_older_than_the_current_revision_is_offered_for_merge(app, peggy, jim, demo):
    sid, base = seeded(app, demo, peggy)
    late = TEXT.replace("Escalations", "Peggy's late addition.\n\nEscalations")
    post(peggy, f"{agreement_url(demo)}/sections/{sid}/draft",
         {"body": late, "base_id": base.id}, page=agreement_url(demo))
    save(jim, demo, sid, TEXT.replace("every month", "every week"), base.id)
    editor = peggy.get(f"{agreement_url(demo)}/sections/{sid}/edit").get_data(as_text=True)
    assert 'data-testid="stale-draft"' in editor
    assert "Peggy&#39;s late addition." not in editor.split('id="body"')[1].split("</textarea>")[0]
    merged = save(peggy, demo, sid, late, base.id)
    assert merged.status_code == 302
    assert "every week" in head(app, sid).body and "late addition" in head(app, sid).body


def test_presence_shows_who_else_is_editing(app, peggy, jim, demo):
    peggy.get(agreement_url(demo))
    sid = section_id(app, demo)
    jim.get(f"{agreement_url(demo)}/sections/{sid}/edit")
    response = post(peggy, f"{agreement_url(demo)}/sections/{sid}/presence", page=agreement_url(demo),
                    headers={"HX-Request": "true"})
    assert "Jim Halpert</strong>, Supplier Co" in response.get_data(as_text=True)
    page = peggy.get(agreement_url(demo)).get_data(as_text=True)
    assert "Jim Halpert, Supplier Co — editing" in page


def page_poll(client, partnership):
    """The reading page's one poll (issue 12): its URL, and how many polls the page has."""
    page = client.get(agreement_url(partnership)).get_data(as_text=True)
    polls = re.findall(r'hx-get="([^"]*/poll[^"]*)"', page)
    return polls[0].replace("&amp;", "&"), len(polls)


def test_the_reading_page_polls_once_and_hears_of_every_change(app, peggy, jim, demo):
    sid, base = seeded(app, demo, peggy)
    poll, count = page_poll(jim, demo)
    assert count == 1 and poll.startswith(f"{agreement_url(demo)}/poll?token=")
    assert jim.get(poll).status_code == 204
    save(peggy, demo, sid, TEXT + "\nA new paragraph.\n", base.id)
    changed = jim.get(poll)
    html = changed.get_data(as_text=True)
    assert changed.status_code == 200 and "A new paragraph." in html
    assert html.count('class="card agreement-section"') == len(
        re.findall(r'id="section-\d+"', jim.get(agreement_url(demo)).get_data(as_text=True)))
    # Each change a reader sees moves the clock: a comment, a rename, a new editor.
    for change in (
            lambda: post(peggy, f"{agreement_url(demo)}/sections/{sid}/comments",
                         {"body": "Is 48 hours right?", "quote": ""}, page=agreement_url(demo)),
            lambda: post(peggy, f"{agreement_url(demo)}/sections/{sid}/rename",
                         {"title": "How we work together"}, page=agreement_url(demo)),
            lambda: post(peggy, f"{agreement_url(demo)}/sections/{sid}/presence",
                         page=agreement_url(demo), headers={"HX-Request": "true"})):
        poll, _ = page_poll(jim, demo)
        assert jim.get(poll).status_code == 204
        assert change().status_code in (200, 302)
        assert jim.get(poll).status_code == 200
    assert "Peggy Olson, Northwind Learning — editing" in jim.get(poll).get_data(as_text=True)


def test_an_editor_who_left_disappears_from_readers_pages(app, peggy, jim, demo, monkeypatch):
    from portal.agreements import editing

    peggy.get(agreement_url(demo))  # the agreement is made on its first visit
    sid = section_id(app, demo)
    post(peggy, f"{agreement_url(demo)}/sections/{sid}/presence", page=agreement_url(demo),
         headers={"HX-Request": "true"})
    poll, _ = page_poll(jim, demo)
    later = editing.utcnow() + dt.timedelta(seconds=editing.PRESENCE_SECONDS + 1)
    monkeypatch.setattr(editing, "utcnow", lambda: later)
    a_minute_passes(monkeypatch)
    gone = jim.get(poll)
    assert gone.status_code == 200 and "— editing" not in gone.get_data(as_text=True)
    assert 'hx-trigger="every 10s"' in gone.get_data(as_text=True)  # back to the idle pace
    poll, _ = page_poll(jim, demo)
    assert jim.get(poll).status_code == 204  # and quiet again while nobody edits


def test_a_reading_page_polls_slowly_while_nobody_edits_and_fast_while_someone_does(
        app, peggy, jim, demo):
    """Idle readers cost a third as much (issue 12); an edit still reaches them within
    seconds, since starting to edit moves the clock and the next poll brings the pace."""
    peggy.get(agreement_url(demo))
    sid = section_id(app, demo)
    page = jim.get(agreement_url(demo)).get_data(as_text=True)
    assert 'hx-trigger="every 10s"' in page and 'hx-trigger="every 3s"' not in page
    poll, _ = page_poll(jim, demo)
    post(peggy, f"{agreement_url(demo)}/sections/{sid}/presence", page=agreement_url(demo),
         headers={"HX-Request": "true"})
    live = jim.get(poll)
    assert live.status_code == 200
    assert 'hx-trigger="every 3s"' in live.get_data(as_text=True)
    assert 'hx-trigger="every 3s"' in jim.get(agreement_url(demo)).get_data(as_text=True)


def test_an_idle_poll_reads_one_row_beyond_who_is_asking(app, jim, demo):
    import logging

    poll, _ = page_poll(jim, demo)
    jim.get(poll)
    statements = []
    handler = logging.Handler()
    handler.emit = lambda record: statements.append(record.getMessage())
    logger = logging.getLogger("peewee")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        assert jim.get(poll).status_code == 204
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert sum('FROM "agreement"' in s for s in statements) == 1
    assert not any(table in s for s in statements for table in
                   ('"section"', '"presence"', '"comment"', '"section_revision"'))


def test_history_diff_and_restore(app, peggy, demo):
    sid, base = seeded(app, demo, peggy)
    save(peggy, demo, sid, TEXT.replace("every month", "every quarter"), base.id)
    second = head(app, sid)
    history = peggy.get(f"{agreement_url(demo)}/sections/{sid}/history").get_data(as_text=True)
    assert "Revision" in history and ">2<" in history
    diff = peggy.get(f"{agreement_url(demo)}/sections/{sid}/diff?a={base.id}&b={second.id}").get_data(as_text=True)
    assert "<del>month.</del>" in diff and "<ins>quarter.</ins>" in diff
    post(peggy, f"{agreement_url(demo)}/sections/{sid}/revisions/{base.id}/restore", page=agreement_url(demo))
    restored = head(app, sid)
    assert restored.number == 3 and restored.body == base.body and "Restored revision 1" in restored.summary


def test_comments_thread_resolve_anchor_and_mentions(app, peggy, jim, demo):
    sid, base = seeded(app, demo, peggy)
    url = f"{agreement_url(demo)}/sections/{sid}/comments"
    post(peggy, url, {"body": "@Jim can your team live with this?", "quote": "within 48 hours"}, page=url)
    with app.app_context():
        comment = Comment.get()
        jim_user = User.get(User.email == "jim@supplier.example")
        assert Notification.select().where(Notification.user == jim_user).count() == 1
    assert '<span class="badge">1</span>' in jim.get("/partnerships").get_data(as_text=True)
    post(jim, url, {"body": "Yes, 48 hours works.", "parent_id": comment.id}, page=url)
    page = jim.get(url).get_data(as_text=True)
    assert "“within 48 hours”" in page and "Yes, 48 hours works." in page and "since changed" not in page
    save(peggy, demo, sid, TEXT.replace("48 hours", "two days"), base.id)
    assert "this text has since changed" in jim.get(url).get_data(as_text=True)
    post(jim, f"{agreement_url(demo)}/comments/{comment.id}/resolve", {"resolved": "1"}, page=url)
    with app.app_context():
        assert Comment.get_by_id(comment.id).resolved


def test_sections_are_added_renamed_moved_and_removed(app, peggy, demo):
    base = agreement_url(demo)
    peggy.get(base)
    post(peggy, f"{base}/sections", {"title": "Exit plan"}, page=base)
    with app.app_context():
        exit_plan = Section.get(Section.title == "Exit plan")
        assert exit_plan.position == 8
    post(peggy, f"{base}/sections/{exit_plan.id}/rename", {"title": "Exit and renewal"}, page=base)
    post(peggy, f"{base}/sections/{exit_plan.id}/move", {"direction": "up"}, page=base)
    with app.app_context():
        titles = [s.title for s in Section.select().order_by(Section.position)]
        assert titles[-2:] == ["Exit and renewal", "Governance cadence"]
    post(peggy, f"{base}/sections/{exit_plan.id}/remove", page=base)
    assert "<h2>Exit and renewal</h2>" not in peggy.get(base).get_data(as_text=True)


def test_ratification_by_both_sponsors_puts_a_version_in_force(app, peggy, demo):
    sid, base = seeded(app, demo, peggy)
    response = post(peggy, f"{agreement_url(demo)}/versions", page=agreement_url(demo))
    assert response.status_code == 302
    with app.app_context():
        version = AgreementVersion.get()
    url = f"{agreement_url(demo)}/versions/{version.number}"
    assert post(peggy, f"{url}/ratify", {"content_hash": "0" * 64}, page=url).status_code == 409
    carla = app.test_client()
    login(carla, "carla@client.example")  # an editor, not a sponsor
    assert post(carla, f"{url}/ratify", {"content_hash": version.content_hash}, page=url).status_code == 403
    assert post(peggy, f"{url}/ratify", {"content_hash": version.content_hash}, page=url).status_code == 302
    again = post(peggy, f"{url}/ratify", {"content_hash": version.content_hash}, page=url)
    assert again.status_code == 409 and "already ratified" in again.get_data(as_text=True)
    sofia = app.test_client()
    login(sofia, "sofia@supplier.example")
    post(sofia, f"{url}/ratify", {"content_hash": version.content_hash}, page=url)
    with app.app_context():
        assert AgreementVersion.get_by_id(version.id).in_force_at is not None
        assert AuditEntry.select().where(AuditEntry.action == "version_ratified").count() == 2
    page = peggy.get(agreement_url(demo)).get_data(as_text=True)
    assert "Version 1 is in force" in page
    save(peggy, demo, sid, TEXT.replace("every month", "every week"), base.id)
    page = peggy.get(agreement_url(demo)).get_data(as_text=True)
    assert "Changed since version 1 in force" in page
    changes = peggy.get(f"{agreement_url(demo)}/changes").get_data(as_text=True)
    assert "<del>month.</del>" in changes and "<ins>week.</ins>" in changes
    markdown = peggy.get(f"{url}.md")
    text = markdown.get_data(as_text=True)
    assert markdown.mimetype == "text/markdown"
    assert "Ratified for Northwind Learning by Peggy Olson" in text and "Ratified for Supplier Co by Sofia Brandt" in text
    assert "within 48 hours" in text and version.content_hash in text
    printable = peggy.get(f"{url}/print").get_data(as_text=True)
    assert "Northwind Learning (client) and Supplier Co (supplier)" in printable
    assert "Sofia Brandt" in printable and "print.css" in printable


def put_in_force(app, demo, peggy):
    """Version 1 of the current text, proposed by Peggy and ratified by both sponsors."""
    assert post(peggy, f"{agreement_url(demo)}/versions", page=agreement_url(demo)).status_code == 302
    with app.app_context():
        content_hash = AgreementVersion.get(AgreementVersion.number == 1).content_hash
    url = f"{agreement_url(demo)}/versions/1"
    sofia = app.test_client()
    login(sofia, "sofia@supplier.example")
    for sponsor in (peggy, sofia):
        assert post(sponsor, f"{url}/ratify", {"content_hash": content_hash}, page=url).status_code == 302


def unread(app, email):
    with app.app_context():
        return [(n.text, n.url) for n in Notification.select().join(User).where(
            User.email == email, Notification.read_at.is_null()).order_by(Notification.id)]


def test_a_newer_version_supersedes_an_older_one_which_can_no_longer_be_ratified(app, peggy, demo):
    """Issue 13: an older version ratified after a newer one was proposed came into force
    while the newer sat at 0 of 2. Now only the newest version can be signed, and each
    sponsor hears of the version that awaits them, and no longer once it is done or moot."""
    sid, base = seeded(app, demo, peggy)
    url_of = lambda n: f"{agreement_url(demo)}/versions/{n}"  # noqa: E731
    assert post(peggy, f"{agreement_url(demo)}/versions", page=agreement_url(demo)).status_code == 302
    # Sofia, the supplier's sponsor, is told; Peggy proposed it and is not.
    assert unread(app, "sofia@supplier.example") == [
        ("Version 1 of the agreement awaits your sign-off for Supplier Co.", url_of(1))]
    assert unread(app, "peggy@client.example") == []
    sofia = app.test_client()
    login(sofia, "sofia@supplier.example")
    assert "Version 1 of the agreement awaits your sign-off" in sofia.get(
        "/notifications").get_data(as_text=True)

    # The text moves on; version 1's page says so, with the diff.
    save(peggy, demo, sid, TEXT.replace("every month", "every week"), base.id)
    page = peggy.get(url_of(1)).get_data(as_text=True)
    assert "The working text has moved on" in page
    assert "<del>month.</del>" in page and "<ins>week.</ins>" in page

    # Version 2 supersedes version 1: its page says so and offers no sign-off.
    assert post(peggy, f"{agreement_url(demo)}/versions", page=agreement_url(demo)).status_code == 302
    with app.app_context():
        first = AgreementVersion.get(AgreementVersion.number == 1)
    page = sofia.get(url_of(1)).get_data(as_text=True)
    assert "was superseded by" in page and "version 2</a>" in page
    assert "Ratify version 1" not in page
    assert "Ratify version 2 for Supplier Co" in sofia.get(url_of(2)).get_data(as_text=True)
    assert "The working text has moved on" not in sofia.get(url_of(2)).get_data(as_text=True)
    reading = peggy.get(agreement_url(demo)).get_data(as_text=True)
    assert re.search(r"Version 1</a>\s*<span class=\"pill\">superseded</span>", reading)
    # Signing version 1 anyway (a form kept open, a forged request) is refused.
    refused = post(sofia, f"{url_of(1)}/ratify", {"content_hash": first.content_hash}, page=url_of(2))
    assert refused.status_code == 409
    assert "superseded by version 2" in refused.get_data(as_text=True)
    with app.app_context():
        assert Ratification.select().where(Ratification.version == first.id).count() == 0
    # The reminder for version 1 is settled; version 2's stands until her side signs.
    assert unread(app, "sofia@supplier.example") == [
        ("Version 2 of the agreement awaits your sign-off for Supplier Co.", url_of(2))]
    with app.app_context():
        second = AgreementVersion.get(AgreementVersion.number == 2)
    assert post(sofia, f"{url_of(2)}/ratify", {"content_hash": second.content_hash},
                page=url_of(2)).status_code == 302
    assert unread(app, "sofia@supplier.example") == []
    assert post(peggy, f"{url_of(2)}/ratify", {"content_hash": second.content_hash},
                page=url_of(2)).status_code == 302
    assert ("Version 2 of the agreement is in force: both organizations ratified it.",
            url_of(2)) in unread(app, "sofia@supplier.example")
    assert "Version 2 is in force" in peggy.get(agreement_url(demo)).get_data(as_text=True)

