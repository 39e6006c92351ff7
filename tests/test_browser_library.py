"""The library in Chromium: search as you type, read, mark read, pin, write an item."""
import pytest
from test_browser import shot

pytestmark = pytest.mark.browser




def test_supplier_member_finds_an_item_by_search_and_reads_it(demo, live_server, people):
    sam = people("sam@supplier.example")
    sam.goto(f"{live_server}/partnerships/{demo.id}/library")
    sam.evaluate("window.__stayed = true")
    sam.get_by_label("Search the library").press_sequentially("forgetting", delay=30)
    first = sam.locator("#results .library-item").first
    first.locator("mark").first.wait_for()  # highlighted, as you type, without a reload
    assert sam.evaluate("window.__stayed") is True
    assert "forgetting" in sam.url  # the address shows the search: back and reload work
    shot(sam, "40-library-search")
    first.get_by_role("link").click()
    assert "forgetting" in sam.locator(".reading__main h1").inner_text().lower()
    assert sam.locator(".toc").is_visible()
    sam.get_by_role("button", name="I have read it").click()
    sam.get_by_test_id("completed").wait_for()
    shot(sam, "41-library-item")
    assert sam.problems == []


def test_client_editor_pins_an_item_and_writes_one(demo, live_server, people):
    carla = people("carla@client.example")
    base = f"{live_server}/partnerships/{demo.id}/library"
    carla.goto(base)
    last = carla.locator("#results .library-item").last
    title = last.locator("h2").inner_text()
    last.get_by_role("link").click()
    carla.get_by_role("button", name="Pin for everyone in the partnership").click()
    carla.locator("#notices", has_text="is pinned").wait_for()
    carla.goto(base)
    assert carla.locator("#results .library-item").first.locator("h2").inner_text() == title

    carla.get_by_role("link", name="Write an item for Northwind Learning").click()
    carla.get_by_label("Title").fill("How we run our steering meetings")
    carla.get_by_label("Address (slug)").fill("our-steering-meetings")
    carla.get_by_label("Text (Markdown)").fill("## Before\nSend the agenda two days ahead.\n\n## During\nDecide, then note who does what.")
    carla.get_by_test_id("preview").filter(has_text="Send the agenda two days ahead.").wait_for()
    shot(carla, "42-authoring")
    carla.get_by_role("button", name="Save the item").click()
    carla.locator("#notices", has_text="is in the library").wait_for()
    assert "Send the agenda two days ahead." in carla.get_by_test_id("item-body").inner_text()

    sam = people("sam@supplier.example")
    sam.goto(f"{base}?q=steering")
    assert "How we run our steering meetings" in sam.locator("#results").inner_text()
    assert carla.problems == [] and sam.problems == []
