"""The reading page's inline editor (issue 12): Edit asks with htmx for the editor alone,
in the section's place, and a save is answered with the section in the same place,
the conflict view, or the refusal with the user's text; never a redirect, a flashed
message or a session cookie written. Without script, the same links and forms give the
whole pages they always gave."""
import html
import re

import pytest
from markupsafe import escape
from conftest import csrf_token, login, post
# peggy and jim: test_agreements' signed-in clients, the same fixtures for the same flows.
from test_agreements import (TEXT, agreement_url, head, jim, page_poll, peggy,  # noqa: F401
                             put_in_force, save, seeded)

from portal.accounts.models import User
from portal.agreements.models import AgreementVersion, EditDraft, SectionRevision


#: What an answer swapped into the page says the page's notices now hold: nothing.
NO_NOTICE = '<div id="notices" class="notices" aria-live="polite" hx-swap-oob="innerHTML"></div>'


def htmx(sid):
    """What htmx sends for the Edit of section `sid` and for its editor's form."""
    return {"HX-Request": "true", "HX-Target": f"section-{sid}"}


def open_inline(client, partnership, sid):
    response = client.get(f"{agreement_url(partnership)}/sections/{sid}/edit", headers=htmx(sid))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def save_inline(client, partnership, sid, body, base_id):
    return client.post(f"{agreement_url(partnership)}/sections/{sid}/edit", headers=htmx(sid), data={
        "csrf_token": csrf_token(client, agreement_url(partnership)), "body": body,
        "base_id": base_id or "", "summary": ""})


def test_the_reading_pages_edit_asks_for_the_editor_in_the_sections_place(app, peggy, demo):
    sid, _ = seeded(app, demo, peggy)
    page = peggy.get(agreement_url(demo)).get_data(as_text=True)
    edit = re.search(rf'<a [^>]*href="([^"]*/sections/{sid}/edit)"[^>]*>', page).group(0)
    assert f'hx-get="{agreement_url(demo)}/sections/{sid}/edit"' in edit
    assert f'hx-target="#section-{sid}"' in edit and 'hx-swap="outerHTML"' in edit


def test_the_inline_editor_is_the_editor_alone_with_the_sections_id(app, peggy, demo):
    sid, base = seeded(app, demo, peggy)
    editor = open_inline(peggy, demo, sid)
    assert "<html" not in editor and "site-header" not in editor and "tabs" not in editor
    assert editor.lstrip().startswith(f'<section class="card editor" id="section-{sid}" data-editing>')
    assert f'name="base_id" value="{base.id}"' in editor
    assert html.escape("Both teams answer questions within 48 hours.") in editor
    # Its ids carry the section's, so two editors open on one page never share one.
    for name in ("body", "summary", "draft-status", "presence"):
        assert f' id="{name}-{sid}"' in editor and f' id="{name}"' not in editor
    assert f'hx-target="#draft-status-{sid}"' in editor and "autofocus" in editor
    # Its form saves through htmx into the same place; closing it brings the section back.
    assert f'hx-post="{agreement_url(demo)}/sections/{sid}/edit" hx-target="#section-{sid}"' in editor
    assert f'hx-get="{agreement_url(demo)}/sections/{sid}"' in editor
    assert "Close the editor" in editor
    # As a new page would, it takes away what the page's notices said before.
    assert NO_NOTICE in editor


def test_an_inline_save_answers_with_the_section_and_the_notice_and_no_cookie(app, peggy, demo):
    sid, base = seeded(app, demo, peggy)
    response = save_inline(peggy, demo, sid, TEXT.replace("48 hours", "24 hours"), base.id)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers and "Location" not in response.headers
    answer = response.get_data(as_text=True)
    assert answer.lstrip().startswith(f'<section class="card agreement-section" id="section-{sid}">')
    assert "within 24 hours" in answer and "Revision 2 by Peggy Olson" in answer
    assert re.search(rf'<a class="button button--small" id="edit-{sid}" href="[^"]*/edit"[^>]* autofocus>Edit</a>',
                     answer)
    notices = re.search(r'<div id="notices"[^>]*hx-swap-oob="innerHTML"[^>]*>(.*?)</div></div>', answer, re.S)
    assert notices and "Relational expectations is saved (revision 2)." in notices.group(1)
    assert head(app, sid).number == 2 and "24 hours" in head(app, sid).body
    # Nothing was left to flash on the next page.
    assert "is saved" not in peggy.get(agreement_url(demo)).get_data(as_text=True)


def test_an_inline_save_on_an_older_base_merges_and_links_to_what_changed(app, peggy, jim, demo):
    sid, base = seeded(app, demo, peggy)
    assert save(jim, demo, sid, TEXT.replace("every month", "every two weeks"), base.id).status_code == 302
    answer = save_inline(peggy, demo, sid, TEXT.replace("the sponsors", "both sponsors"), base.id)
    assert answer.status_code == 200
    text = answer.get_data(as_text=True)
    assert "every two weeks" in text and "both sponsors" in text
    assert "Jim Halpert had changed this section meanwhile" in text
    assert re.search(rf'href="[^"]*/sections/{sid}/diff\?a=\d+&amp;b=\d+">See what changed', text)


def test_an_inline_conflict_takes_the_sections_place_and_keeps_the_users_text(app, peggy, jim, demo):
    sid, base = seeded(app, demo, peggy)
    save(jim, demo, sid, TEXT.replace("48 hours", "72 hours"), base.id)
    response = save_inline(peggy, demo, sid, TEXT.replace("48 hours", "24 hours"), base.id)
    assert response.status_code == 409  # the portal's htmx config swaps 409
    text = response.get_data(as_text=True)
    assert "<html" not in text
    assert text.lstrip().startswith(f'<section class="card conflict" data-testid="conflict" id="section-{sid}" data-editing>')
    assert "72 hours" in text and "24 hours" in text
    # Resolving is a plain form: the whole page answers it, as without script.
    assert re.search(rf'<form method="post" action="[^"]*/sections/{sid}/resolve">', text)
    assert f'id="summary-{sid}"' in text and f'id="text-0-{sid}"' in text
    assert NO_NOTICE in text  # the "saved" of an earlier save is not left standing
    assert head(app, sid).number == 2
    with app.app_context():
        assert "24 hours" in EditDraft.get().body


@pytest.mark.parametrize("body, message", [
    ("", "A section cannot be empty"),
    ("x" * 250_000, "a section holds at most 200,000"),
])
def test_an_inline_save_refused_shows_the_editor_again_with_the_text(app, peggy, demo, body, message):
    sid, base = seeded(app, demo, peggy)
    response = save_inline(peggy, demo, sid, body, base.id)
    assert response.status_code == 422  # swapped too (the portal's htmx config)
    text = response.get_data(as_text=True)
    assert "<html" not in text and message in text
    assert text.lstrip().startswith(f'<section class="card editor" id="section-{sid}" data-editing>')
    assert head(app, sid).number == 1


REMOVED = "This section was removed while you were editing it"


def test_a_save_to_a_section_removed_meanwhile_keeps_the_text_and_says_so(app, peggy, jim, demo):
    """Jim's editor was open when Peggy removed the section: his save, in place or as a
    plain form, and his draft are refused with the reason, his text still in the editor."""
    sid, base = seeded(app, demo, peggy)
    open_inline(jim, demo, sid)
    assert post(peggy, f"{agreement_url(demo)}/sections/{sid}/remove",
                page=agreement_url(demo)).status_code == 302
    mine = "Jim's answer: within 24 hours, <b>always</b>.\n"
    inline = save_inline(jim, demo, sid, mine, base.id)
    assert inline.status_code == 422  # swapped in the section's place, as every refusal
    text = inline.get_data(as_text=True)
    assert text.lstrip().startswith(f'<section class="card editor" id="section-{sid}" data-editing>')
    assert REMOVED in text and str(escape(mine.strip())) in text
    # Nor does it go on beating or promise a draft kept.
    assert "/presence" not in text and "kept as a draft" not in text
    plain = save(jim, demo, sid, mine, base.id)
    assert plain.status_code == 422 and "<html" in plain.get_data(as_text=True)
    assert REMOVED in plain.get_data(as_text=True)
    draft = post(jim, f"{agreement_url(demo)}/sections/{sid}/draft",
                 {"body": mine, "base_id": base.id}, page=agreement_url(demo),
                 headers={"HX-Request": "true"})
    assert draft.status_code == 422 and REMOVED in draft.headers["X-Portal-Message"]
    # The editor's heartbeat says it too, and stops (286: htmx's "stop polling").
    beat = post(jim, f"{agreement_url(demo)}/sections/{sid}/presence", page=agreement_url(demo),
                headers={"HX-Request": "true"})
    assert beat.status_code == 286 and REMOVED in beat.get_data(as_text=True)
    with app.app_context():
        assert SectionRevision.select().where(SectionRevision.section == sid).count() == 1
        assert EditDraft.select().where(EditDraft.section == sid).count() == 0
    # The section stays removed: its editor and its card are gone from the pages.
    assert jim.get(f"{agreement_url(demo)}/sections/{sid}/edit", headers=htmx(sid)).status_code == 404
    assert f'id="section-{sid}"' not in jim.get(agreement_url(demo)).get_data(as_text=True)


def test_closing_the_inline_editor_gives_the_section_back_and_a_plain_get_the_page(app, peggy, demo):
    sid, _ = seeded(app, demo, peggy)
    url = f"{agreement_url(demo)}/sections/{sid}"
    back = peggy.get(url, headers=htmx(sid))
    assert back.status_code == 200 and "<html" not in back.get_data(as_text=True)
    text = back.get_data(as_text=True)
    assert text.lstrip().startswith(f'<section class="card agreement-section" id="section-{sid}">')
    assert "within 48 hours" in text and NO_NOTICE in text
    plain = peggy.get(url)
    assert plain.status_code == 302
    assert plain.headers["Location"].endswith(f"{agreement_url(demo)}#section-{sid}")


def test_the_inline_editor_and_section_are_for_members_and_editors_only(app, demo, peggy):
    sid, base = seeded(app, demo, peggy)
    viewer = app.test_client()
    login(viewer, "victor@client.example")
    assert viewer.get(f"{agreement_url(demo)}/sections/{sid}/edit", headers=htmx(sid)).status_code == 403
    refused = save_inline(viewer, demo, sid, "A viewer's text\n", base.id)
    assert refused.status_code == 403 and head(app, sid).number == 1
    # A section of this agreement under another partnership's address is not found.
    with app.app_context():
        from portal.partnerships.models import Partnership
        other = Partnership.select().where(Partnership.id != demo.id).first()
    if other is not None:
        assert peggy.get(f"/partnerships/{other.id}/agreement/sections/{sid}",
                         headers=htmx(sid)).status_code in (403, 404)
    with app.app_context():
        assert SectionRevision.select().where(SectionRevision.section == sid).count() == 1


def test_without_script_the_editor_is_the_whole_page_and_a_save_redirects(app, peggy, demo):
    sid, base = seeded(app, demo, peggy)
    page = peggy.get(f"{agreement_url(demo)}/sections/{sid}/edit").get_data(as_text=True)
    assert "<html" in page and ' id="body"' in page and "data-editing" not in page
    assert "hx-post" not in re.search(r'<form method="post" action="[^"]*/edit" class="editor__form"[^>]*>', page).group(0)
    assert "Back to the agreement" in page
    response = save(peggy, demo, sid, TEXT.replace("48 hours", "12 hours"), base.id)
    assert response.status_code == 302 and "Set-Cookie" in response.headers


def test_a_save_in_place_after_the_session_ended_is_refused_without_the_login_page(app, peggy, demo):
    sid, base = seeded(app, demo, peggy)
    token = csrf_token(peggy, agreement_url(demo))
    peggy.get(f"{agreement_url(demo)}/sections/{sid}/edit", headers=htmx(sid))
    with app.app_context():  # as "log out everywhere" in another tab does
        User.get(User.email == "peggy@client.example").end_sessions()
    response = peggy.post(f"{agreement_url(demo)}/sections/{sid}/edit", headers=htmx(sid), data={
        "csrf_token": token, "body": "Typed before the session ended.\n", "base_id": base.id})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # htmx follows the redirect with its own headers: a refusal it does not swap.
    landed = peggy.get(response.headers["Location"], headers=htmx(sid))
    assert landed.status_code == 401
    assert landed.headers["X-Portal-Message"].startswith("You are logged out, so nothing was sent.")
    assert 'name="password"' not in landed.get_data(as_text=True)
    # The "please log in" the redirect flashed is not shown later; a plain visit logs in.
    page = peggy.get("/login")
    assert page.status_code == 200 and 'name="password"' in page.get_data(as_text=True)
    assert "Please log in to see that page." not in page.get_data(as_text=True)
    assert head(app, sid).number == 1


def oob(answer, element_id):
    """What an answer redraws out of band in the element `element_id`, or None."""
    found = re.search(rf'<(\w+) [^>]*id="{element_id}"[^>]* hx-swap-oob="[^"]+"[^>]*>(.*?)</\1>',
                      answer, re.S)
    return found and found.group(2)


def test_readers_see_a_version_proposed_signed_and_in_force_without_reloading(app, peggy, jim, demo):
    """The reading page's poll redraws the versions and what the page says of them: a
    proposal and each sign-off move the agreement's clock as a save does."""
    seeded(app, demo, peggy)
    sofia = app.test_client()
    login(sofia, "sofia@supplier.example")
    url = f"{agreement_url(demo)}/versions/1"

    def polled(change):
        poll, _ = page_poll(jim, demo)
        assert jim.get(poll).status_code == 204
        assert change().status_code == 302
        answer = jim.get(poll)
        assert answer.status_code == 200
        return answer.get_data(as_text=True)

    answer = polled(lambda: post(peggy, f"{agreement_url(demo)}/versions", page=agreement_url(demo)))
    assert "Version 1" in oob(answer, "agreement-versions") and "0 of 2 sign-offs" in answer
    assert "in force" not in oob(answer, "agreement-standing")
    with app.app_context():
        content_hash = AgreementVersion.get().content_hash
    answer = polled(lambda: post(peggy, f"{url}/ratify", {"content_hash": content_hash}, page=url))
    assert "1 of 2 sign-offs" in oob(answer, "agreement-versions")
    answer = polled(lambda: post(sofia, f"{url}/ratify", {"content_hash": content_hash}, page=url))
    assert "Version 1 is in force, ratified by both organizations." in oob(answer, "agreement-standing")
    assert 'pill--loaded">in force' in oob(answer, "agreement-versions")


def test_a_save_in_place_says_whether_the_text_moved_from_the_version_in_force(app, peggy, jim, demo):
    """The banner above the sections follows the saver's own save at once, and a reader's
    page on its next poll: changed since the version in force, or back to its text."""
    sid, base = seeded(app, demo, peggy)
    put_in_force(app, demo, peggy)
    assert "Version 1 is in force" in peggy.get(agreement_url(demo)).get_data(as_text=True)
    poll, _ = page_poll(jim, demo)
    changed = save_inline(peggy, demo, sid, TEXT.replace("every month", "every week"), base.id)
    standing = oob(changed.get_data(as_text=True), "agreement-standing")
    assert "Changed since version 1 in force." in standing and "See the changes" in standing
    assert "Changed since version 1 in force." in oob(jim.get(poll).get_data(as_text=True),
                                                       "agreement-standing")
    back = save_inline(peggy, demo, sid, TEXT, head(app, sid).id)
    standing = oob(back.get_data(as_text=True), "agreement-standing")
    assert "Version 1 is in force" in standing and "Changed since" not in standing
    # Closing an editor changes nothing, and says nothing of the versions.
    closed = peggy.get(f"{agreement_url(demo)}/sections/{sid}", headers=htmx(sid))
    assert 'id="agreement-standing"' not in closed.get_data(as_text=True)
