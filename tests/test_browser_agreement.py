"""Peggy and Jim write the agreement at the same time, in two Chromium contexts."""
import pytest
from test_browser import shot

from portal.agreements.models import Section

pytestmark = pytest.mark.browser

TEXT = ("The supplier answers questions within 48 hours.\n\n"
        "Escalations go to the sponsors.\n\n"
        "The teams meet every month.\n")




def open_editor(page, base, partnership, section_id):
    page.goto(f"{base}/partnerships/{partnership.id}/agreement/sections/{section_id}/edit")
    return page.locator("#body")


def write_and_save(page, text):
    page.locator("#body").fill(text)
    page.get_by_role("button", name="Save", exact=True).click()


def test_two_people_edit_the_same_section_at_once(app, demo, live_server, people):
    base = live_server
    peggy, jim = people("peggy@client.example"), people("jim@supplier.example")
    peggy.goto(f"{base}/partnerships/{demo.id}/agreement")
    with app.app_context():
        sid = Section.get(Section.title == "Relational expectations").id
    open_editor(peggy, base, demo, sid)
    write_and_save(peggy, TEXT)
    peggy.locator("#notices", has_text="is saved (revision 1)").wait_for()

    # Both open the editor; each sees the other within a few seconds.
    open_editor(peggy, base, demo, sid)
    open_editor(jim, base, demo, sid)
    peggy.get_by_test_id("presence").filter(has_text="Jim Halpert").wait_for(timeout=10000)
    jim.get_by_test_id("presence").filter(has_text="Peggy Olson").wait_for(timeout=10000)
    shot(jim, "20-presence")

    # Typing is kept as a server-side draft, said only once the server answered.
    jim.locator("#body").fill(TEXT.replace("every month", "every two weeks"))
    jim.locator("#draft-status", has_text="Draft saved on the server").wait_for(timeout=10000)

    # Non-overlapping edits: Jim saves first, Peggy's save on the older base merges.
    jim.get_by_role("button", name="Save", exact=True).click()
    jim.locator("#notices", has_text="is saved (revision 2)").wait_for()
    write_and_save(peggy, TEXT.replace("the sponsors", "both sponsors"))
    notice = peggy.locator("#notices")
    notice.filter(has_text="Jim Halpert had changed this section meanwhile").wait_for()
    body = peggy.get_by_test_id(f"section-body-{sid}").inner_text()
    assert "every two weeks" in body and "both sponsors" in body
    shot(peggy, "21-merged")

    # Overlapping edits: the conflict view, then Peggy keeps her own line.
    merged = TEXT.replace("every month", "every two weeks").replace("the sponsors", "both sponsors")
    open_editor(peggy, base, demo, sid)
    open_editor(jim, base, demo, sid)
    write_and_save(jim, merged.replace("48 hours", "72 hours"))
    jim.locator("#notices", has_text="is saved").wait_for()
    write_and_save(peggy, merged.replace("48 hours", "24 hours"))
    conflict = peggy.get_by_test_id("conflict")
    conflict.wait_for()
    text = conflict.inner_text()
    assert "72 hours" in text and "24 hours" in text and "7224" not in text
    shot(peggy, "22-conflict")
    peggy.get_by_test_id("conflict-0").get_by_label("Keep my text").check()
    peggy.get_by_role("button", name="Save the resolved text").click()
    peggy.locator("#notices", has_text="conflict resolved").wait_for()
    assert "within 24 hours" in peggy.get_by_test_id(f"section-body-{sid}").inner_text()

    # A reader's page refreshes by itself when someone else saves.
    jim.goto(f"{base}/partnerships/{demo.id}/agreement")
    jim.evaluate("window.__stayed = true")
    open_editor(peggy, base, demo, sid)
    write_and_save(peggy, merged.replace("48 hours", "24 hours") + "\nA paragraph Jim has not seen.\n")
    jim.get_by_test_id(f"section-body-{sid}").filter(has_text="A paragraph Jim has not seen.").wait_for(timeout=15000)
    assert jim.evaluate("window.__stayed") is True  # no reload happened
    assert peggy.problems == [] and jim.problems == []


def test_both_sponsors_ratify_a_version_and_export_it(app, demo, live_server, people):
    base = live_server
    peggy = people("peggy@client.example")
    peggy.goto(f"{base}/partnerships/{demo.id}/agreement")
    with app.app_context():
        sid = Section.get(Section.title == "Vision").id
    open_editor(peggy, base, demo, sid)
    write_and_save(peggy, "Managers who lead with confidence, in every region.\n")
    peggy.get_by_role("button", name="Propose the current text as a version").click()
    peggy.locator("#notices", has_text="Version 1 is proposed").wait_for()
    peggy.get_by_role("button", name="Ratify version 1 for Northwind Learning").click()
    peggy.locator("#notices", has_text="the other sponsor's sign-off is still needed").wait_for()

    # Sofia, the supplier's sponsor, is told that version 1 awaits her sign-off.
    sofia = people("sofia@supplier.example")
    sofia.goto(f"{base}/partnerships/{demo.id}/")
    assert sofia.get_by_test_id("notifications").locator(".badge").inner_text() == "1"
    sofia.get_by_test_id("notifications").click()
    sofia.get_by_role("link", name="Version 1 of the agreement awaits your sign-off for Supplier Co.").click()
    sofia.wait_for_url(f"**/partnerships/{demo.id}/agreement/versions/1")
    assert "Managers who lead with confidence" in sofia.get_by_test_id("version-text").inner_text()
    sofia.get_by_role("button", name="Ratify version 1 for Supplier Co").click()
    sofia.locator("#notices", has_text="is now in force").wait_for()
    signatures = sofia.get_by_test_id("signatures").inner_text()
    assert "ratified by Peggy Olson" in signatures and "ratified by Sofia Brandt" in signatures
    shot(sofia, "23-ratified")

    with sofia.expect_download() as download:
        sofia.get_by_role("link", name="Download as Markdown").click()
    markdown = open(download.value.path(), encoding="utf-8").read()
    assert "Ratified for Supplier Co by Sofia Brandt" in markdown
    assert "Managers who lead with confidence" in markdown
    sofia.get_by_role("link", name="Printable page").click()
    assert "Northwind Learning (client) and Supplier Co (supplier)" in sofia.locator(".print-parties").inner_text()
    shot(sofia, "24-printable")
    sofia.goto(f"{base}/partnerships/{demo.id}/agreement")
    assert "Version 1 is in force" in sofia.get_by_test_id("in-force").inner_text()
    assert sofia.get_by_test_id("notifications").locator(".badge").count() == 0  # all settled


def test_a_superseded_version_is_refused(app, demo, live_server, people):
    """Sofia has version 1 open; Peggy proposes version 2 meanwhile: Sofia's sign-off of
    version 1 is refused with the reason, and version 2's page lets her sign it."""
    base = live_server
    peggy, sofia = people("peggy@client.example"), people("sofia@supplier.example")
    peggy.goto(f"{base}/partnerships/{demo.id}/agreement")
    with app.app_context():
        sid = Section.get(Section.title == "Vision").id
    open_editor(peggy, base, demo, sid)
    write_and_save(peggy, "Managers who lead with confidence.\n")
    peggy.locator("#notices", has_text="is saved").wait_for()
    peggy.goto(f"{base}/partnerships/{demo.id}/agreement")
    peggy.get_by_role("button", name="Propose the current text as a version").click()
    peggy.locator("#notices", has_text="Version 1 is proposed").wait_for()
    sofia.goto(f"{base}/partnerships/{demo.id}/agreement/versions/1")

    open_editor(peggy, base, demo, sid)
    write_and_save(peggy, "Managers who lead with confidence, in every region.\n")
    peggy.locator("#notices", has_text="is saved").wait_for()
    peggy.goto(f"{base}/partnerships/{demo.id}/agreement/versions/1")
    moved = peggy.get_by_test_id("moved-on")
    moved.get_by_text("What changed since version 1").click()
    assert "in every region" in moved.get_by_test_id("diff").inner_text()
    shot(peggy, "25-version-moved-on")
    peggy.goto(f"{base}/partnerships/{demo.id}/agreement")
    peggy.get_by_role("button", name="Propose the current text as a version").click()
    peggy.locator("#notices", has_text="Version 2 is proposed").wait_for()

    sofia.get_by_role("button", name="Ratify version 1 for Supplier Co").click()
    assert "superseded by version 2" in sofia.locator("main").inner_text()
    sofia.goto(f"{base}/partnerships/{demo.id}/agreement/versions/1")
    assert "was superseded by version 2" in sofia.get_by_test_id("superseded").inner_text()
    assert sofia.get_by_role("button", name="Ratify version 1 for Supplier Co").count() == 0
    shot(sofia, "26-superseded")
    sofia.get_by_test_id("superseded").get_by_role("link", name="version 2").click()
    sofia.get_by_role("button", name="Ratify version 2 for Supplier Co").click()
    sofia.locator("#notices", has_text="the other sponsor's sign-off is still needed").wait_for()
