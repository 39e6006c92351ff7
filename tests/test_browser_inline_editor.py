"""Editing a section in its place on the reading page, in Chromium (issue 12): Edit opens
the editor where the section was, without leaving the page; Save puts the saved section
back with the notice; the page's live refresh waits while the editor is open, then
brings what others saved; a conflict shows in the section's place."""
import re

import pytest
from playwright.sync_api import expect
from test_browser import shot
from test_browser_accessibility import axe_script, violations

from portal.accounts.models import User
from portal.agreements.models import Section

pytestmark = pytest.mark.browser

TEXT = ("The supplier answers questions within 48 hours.\n\n"
        "Escalations go to the sponsors.\n\n"
        "The teams meet every month.\n")


def section_ids(app, *titles):
    with app.app_context():
        return [Section.get(Section.title == title).id for title in titles]


def edit_in_place(page, sid):
    """Click the section's Edit on the reading page; the editor opens where it was."""
    page.locator(f"#section-{sid}").get_by_role("link", name="Edit", exact=True).click()
    editor = page.locator(f"#section-{sid}[data-editing]")
    editor.wait_for()
    return editor


def typing_in_place(app, demo, live_server, people, email):
    """`email`'s reading page with TEXT typed in the editor of Relational expectations
    opened in its place: the page, and the section's id."""
    page = people(email)
    page.goto(f"{live_server}/partnerships/{demo.id}/agreement")
    [sid] = section_ids(app, "Relational expectations")
    edit_in_place(page, sid).locator(f"#body-{sid}").fill(TEXT)
    return page, sid


def test_a_section_is_edited_and_saved_in_its_place(app, demo, live_server, people):
    base, agreement = live_server, f"{live_server}/partnerships/{demo.id}/agreement"
    peggy, jim = people("peggy@client.example"), people("jim@supplier.example")
    peggy.goto(agreement)  # the first visit makes the agreement's sections
    sid, other = section_ids(app, "Relational expectations", "Mission")
    peggy.evaluate("window.__stayed = true")

    editor = edit_in_place(peggy, sid)
    assert peggy.url == agreement  # still the reading page: nothing was reloaded
    textarea = editor.locator(f"#body-{sid}")
    expect(textarea).to_be_focused()  # typing can start at once
    textarea.fill(TEXT)
    editor.get_by_role("button", name="Save", exact=True).click()

    section = peggy.locator(f"#section-{sid}")
    expect(section.get_by_test_id(f"section-body-{sid}")).to_contain_text("within 48 hours")
    expect(peggy.locator("#notices")).to_contain_text("Relational expectations is saved (revision 1).")
    expect(section.get_by_role("link", name="Edit", exact=True)).to_be_focused()
    assert peggy.evaluate("window.__stayed") is True and peggy.url == agreement

    # While Peggy's editor is open, the page's refresh waits: Jim's save of another
    # section does not redraw the sections under her typing.
    editor = edit_in_place(peggy, sid)
    editor.locator(f"#body-{sid}").fill(TEXT.replace("48 hours", "24 hours"))
    jim.goto(f"{base}/partnerships/{demo.id}/agreement/sections/{other}/edit")
    jim.locator("#body").fill("Why this partnership exists, in Jim's words.\n")
    jim.get_by_role("button", name="Save", exact=True).click()
    jim.locator("#notices", has_text="is saved").wait_for()
    # Longer than the page's poll interval, idle or live, as the page itself says it.
    every = peggy.locator("#agreement-sections").get_attribute("hx-trigger")
    peggy.wait_for_timeout((int(re.fullmatch(r"every (\d+)s", every).group(1)) + 2) * 1000)
    expect(peggy.locator(f"#body-{sid}")).to_have_value(TEXT.replace("48 hours", "24 hours"))
    expect(peggy.get_by_test_id(f"section-body-{other}")).not_to_contain_text("in Jim's words")

    # Saved, the refresh comes back and brings Jim's section too.
    peggy.locator(f"#section-{sid}").get_by_role("button", name="Save", exact=True).click()
    expect(peggy.get_by_test_id(f"section-body-{sid}")).to_contain_text("within 24 hours")
    expect(peggy.get_by_test_id(f"section-body-{other}")).to_contain_text("in Jim's words",
                                                                          timeout=15000)
    assert peggy.evaluate("window.__stayed") is True

    # Closing the editor without saving puts the section back as it was.
    editor = edit_in_place(peggy, sid)
    editor.locator(f"#body-{sid}").fill("Text Peggy does not keep.\n")
    editor.get_by_role("link", name="Close the editor").click()
    expect(peggy.locator(f"#section-{sid}[data-editing]")).to_have_count(0)
    expect(peggy.get_by_test_id(f"section-body-{sid}")).to_contain_text("within 24 hours")
    assert peggy.evaluate("window.__stayed") is True

    # The page with an editor open in it is as accessible as every other page (axe).
    peggy.context.add_init_script(path=axe_script())
    peggy.goto(agreement)
    edit_in_place(peggy, sid)
    assert violations(peggy) == []

    # Screenshots last: Playwright leaves style="" on the inputs it shot, which htmx's
    # next swap would copy, against the CSP.
    shot(peggy, "60-inline-editor")


def test_an_inline_save_that_conflicts_shows_the_conflict_in_the_sections_place(
        app, demo, live_server, people):
    agreement = f"{live_server}/partnerships/{demo.id}/agreement"
    peggy, jim = people("peggy@client.example"), people("jim@supplier.example")
    peggy.goto(agreement)
    [sid] = section_ids(app, "Relational expectations")
    edit_in_place(peggy, sid).locator(f"#body-{sid}").fill(TEXT)
    peggy.locator(f"#section-{sid}").get_by_role("button", name="Save", exact=True).click()
    expect(peggy.get_by_test_id(f"section-body-{sid}")).to_contain_text("within 48 hours")

    # Both open the section in place; Jim saves first, on the same line.
    jim.goto(agreement)
    edit_in_place(jim, sid).locator(f"#body-{sid}").fill(TEXT.replace("48 hours", "72 hours"))
    edit_in_place(peggy, sid).locator(f"#body-{sid}").fill(TEXT.replace("48 hours", "24 hours"))
    jim.locator(f"#section-{sid}").get_by_role("button", name="Save", exact=True).click()
    expect(jim.get_by_test_id(f"section-body-{sid}")).to_contain_text("within 72 hours")
    peggy.locator(f"#section-{sid}").get_by_role("button", name="Save", exact=True).click()

    conflict = peggy.get_by_test_id("conflict")
    expect(conflict).to_contain_text("72 hours")
    expect(conflict).to_contain_text("24 hours")
    expect(peggy.locator("#notices")).not_to_contain_text("is saved")  # the earlier save's
    assert peggy.url == agreement
    shot(peggy, "62-inline-conflict")
    conflict.get_by_test_id("conflict-0").get_by_label("Keep my text").check()
    peggy.get_by_role("button", name="Save the resolved text").click()
    peggy.locator("#notices", has_text="conflict resolved").wait_for()
    expect(peggy.get_by_test_id(f"section-body-{sid}")).to_contain_text("within 24 hours")


def test_a_save_in_place_after_logging_out_elsewhere_keeps_the_text_and_says_why(
        app, demo, live_server, people):
    peggy, sid = typing_in_place(app, demo, live_server, people, "peggy@client.example")
    with app.app_context():  # "log out everywhere", from another tab
        User.get(User.email == "peggy@client.example").end_sessions()
    peggy.locator(f"#section-{sid}").get_by_role("button", name="Save", exact=True).click()
    expect(peggy.locator("#notices")).to_contain_text("You are logged out, so nothing was sent.")
    expect(peggy.locator(f"#body-{sid}")).to_have_value(TEXT)  # still there, to send again
    expect(peggy.locator("input[name=password]")).to_have_count(0)  # no login page inside


def test_an_editor_open_on_a_section_removed_meanwhile_says_so_and_keeps_the_text(
        app, demo, live_server, people):
    from conftest import login, post

    jim, sid = typing_in_place(app, demo, live_server, people, "jim@supplier.example")
    # The heartbeat goes on after its first answer (it swaps inside itself, not over).
    with jim.expect_response(lambda r: r.url.endswith(f"/sections/{sid}/presence")):
        pass
    with jim.expect_response(lambda r: r.url.endswith(f"/sections/{sid}/presence")):
        pass
    expect(jim.locator(f"#presence-{sid}[hx-trigger]")).to_contain_text("Nobody else is editing")
    peggy = app.test_client()  # Peggy removes the section from her own page
    login(peggy, "peggy@client.example")
    assert post(peggy, f"/partnerships/{demo.id}/agreement/sections/{sid}/remove",
                page=f"/partnerships/{demo.id}/agreement").status_code == 302
    removed = "This section was removed while you were editing it"
    expect(jim.locator(f"#presence-{sid}")).to_contain_text(removed, timeout=10000)
    jim.locator(f"#section-{sid}").get_by_role("button", name="Save", exact=True).click()
    expect(jim.locator(f"#section-{sid}[data-editing]")).to_contain_text(
        "Nothing was saved: copy your text into another section.")
    expect(jim.locator(f"#body-{sid}")).to_have_value(TEXT)
    expect(jim.locator("#notices .notice--error")).to_have_count(0)  # no error piling up
    shot(jim, "64-inline-editor-section-removed")


def test_a_save_in_place_moves_the_banner_of_the_version_in_force_on_every_open_page(
        app, demo, live_server, people):
    """The saver's banner changes with the save; a reader's, with the page's next poll."""
    from conftest import login
    from test_agreements import put_in_force

    agreement = f"{live_server}/partnerships/{demo.id}/agreement"
    sponsor = app.test_client()
    login(sponsor, "peggy@client.example")
    put_in_force(app, demo, sponsor)
    peggy, jim = people("peggy@client.example"), people("jim@supplier.example")
    peggy.goto(agreement)
    jim.goto(agreement)
    for page in (peggy, jim):
        expect(page.get_by_test_id("in-force")).to_contain_text("Version 1 is in force")
    [sid] = section_ids(app, "Relational expectations")
    edit_in_place(peggy, sid).locator(f"#body-{sid}").fill(TEXT)
    peggy.locator(f"#section-{sid}").get_by_role("button", name="Save", exact=True).click()
    expect(peggy.get_by_test_id("changed-since")).to_contain_text("Changed since version 1 in force.")
    expect(peggy.get_by_test_id("in-force")).to_have_count(0)
    expect(jim.get_by_test_id("changed-since")).to_contain_text("Changed since version 1 in force.",
                                                                timeout=15000)
    jim.get_by_test_id("changed-since").get_by_role("link", name="See the changes").click()
    expect(jim.get_by_role("heading", level=2)).to_have_text("Changed since version 1 in force")
    expect(jim.get_by_test_id("diff")).to_contain_text("The supplier answers questions within 48 hours.")
    shot(peggy, "63-inline-save-moves-the-banner")


def test_the_live_refresh_keeps_the_focus_and_waits_while_a_sections_panel_is_open(
        app, demo, live_server, people):
    """A reader tabbing through the sections keeps their place when the page redraws
    them; one renaming a section does not lose what they typed to someone else's save."""
    from conftest import login
    from test_agreements import head, save

    peggy = people("peggy@client.example")
    peggy.goto(f"{live_server}/partnerships/{demo.id}/agreement")
    mission, vision = section_ids(app, "Mission", "Vision")
    jim = app.test_client()
    login(jim, "jim@supplier.example")

    def jim_saves(text, base_id=None):
        assert save(jim, demo, vision, text, base_id).status_code == 302

    edit = peggy.locator(f"#section-{mission}").get_by_role("link", name="Edit", exact=True)
    edit.focus()
    jim_saves("Jim's vision.\n")
    expect(peggy.get_by_test_id(f"section-body-{vision}")).to_contain_text("Jim's vision.",
                                                                           timeout=15000)
    expect(edit).to_be_focused()  # the new Edit of the redrawn section

    panel = peggy.locator(f"#section-{mission}").get_by_text("Rename, move or remove")
    panel.click()
    peggy.locator(f"#title-{mission}").fill("Our mission, renamed")
    jim_saves("Jim's second vision.\n", head(app, vision).id)
    every = peggy.locator("#agreement-sections").get_attribute("hx-trigger")
    peggy.wait_for_timeout((int(re.fullmatch(r"every (\d+)s", every).group(1)) + 2) * 1000)
    expect(peggy.locator(f"#title-{mission}")).to_have_value("Our mission, renamed")
    expect(peggy.get_by_test_id(f"section-body-{vision}")).not_to_contain_text("second")
    panel.click()  # closed: the refresh comes back
    expect(peggy.get_by_test_id(f"section-body-{vision}")).to_contain_text(
        "Jim's second vision.", timeout=15000)
