"""Parts of the layout kept as drawn while what they show is the same (portal/fragments.py).

Pages are drawn on every request here (PORTAL_PAGE_CACHE_MB=0), so every page below is
drawn from its template, with the header and the partnership's heading and tabs taken
from the kept parts when their key was seen before. Each test names a way a kept part
could be wrong (the same page drawn differently, a name, count, stage or language that
changed, a plugin's navigation that changed, another person's header, another
session's CSRF token) and shows that it is not.
"""
import re
import textwrap

from conftest import DEMO_PASSWORD, login
from test_page_cache import elsewhere, without_tokens

from portal.demo import load_demo

PEGGY, JIM = "peggy@client.example", "jim@supplier.example"
DRAWN = {"PORTAL_PAGE_CACHE_MB": 0}


def pages(demo):
    base = f"/partnerships/{demo.id}"
    return [f"{base}/", f"{base}/agreement", f"{base}/library", f"{base}/expectations",
            f"{base}/members", "/partnerships", "/profile", "/notifications"]


def comparable(html):
    """Without what differs from one drawing to the next anyway: CSRF tokens (of forms
    with a prefix too) and the signed calendar feed address, which carry the second
    they were made."""
    html = re.sub(r'(csrf_token"[^>]*value=")[^"]+"', r"\1", without_tokens(html))
    return re.sub(r'value="[^"]*"( data-testid="calendar-feed-url")', r"\1", html)


def header(html):
    return html[html.index('<header class="site-header">'):html.index("</header>")]


def heading(html):
    return html[html.index('<header class="partnership-header">'):html.index('<nav class="tabs"')]


def drawn_demo(make_app):
    """An app that draws every page (kept pages off), with the demo loaded."""
    app = make_app(**DRAWN)
    with app.app_context():
        demo, _ = load_demo(DEMO_PASSWORD)
    return app, demo


def signed_in(app, email=PEGGY):
    client = app.test_client()
    login(client, email)
    return client


def test_every_page_is_the_same_with_kept_parts_as_drawn_whole(make_app):
    kept_app = make_app(**DRAWN)
    whole_app = make_app(PORTAL_FRAGMENT_CACHE_MB=0, **DRAWN)
    with kept_app.app_context():
        demo, _ = load_demo(DEMO_PASSWORD)
    assert "portal_fragments" not in whole_app.extensions
    kept_client, whole_client = signed_in(kept_app), signed_in(whole_app)
    for url in pages(demo):
        kept_client.get(url)  # the first drawing keeps the parts (and does the day's work)
        kept = kept_client.get(url)
        whole = whole_client.get(url)
        assert kept.status_code == whole.status_code == 200, url
        assert comparable(kept.get_data(as_text=True)) == comparable(
            whole.get_data(as_text=True)), url
    assert len(kept_app.extensions["portal_fragments"].parts) >= len(pages(demo))


def test_what_the_header_and_the_tabs_show_is_drawn_again_when_it_changes(make_app):
    app, demo = drawn_demo(make_app)
    client = signed_in(app)
    url = f"/partnerships/{demo.id}/agreement"
    client.get(url)
    page = client.get(url).get_data(as_text=True)
    assert "Peggy Olson" in header(page) and "Northwind Learning" in header(page)
    assert 'class="badge"' not in header(page)
    # One change at a time, each made around the portal as another server would make it.
    elsewhere(app, 'UPDATE "user" SET name = %s WHERE email = %s', "Peggy Draper", PEGGY)
    page = client.get(url).get_data(as_text=True)
    assert "Peggy Draper" in header(page) and "Peggy Olson" not in header(page)
    elsewhere(app, "UPDATE organization SET name = %s WHERE name = %s",
              "Westwind Learning", "Northwind Learning")
    page = client.get(url).get_data(as_text=True)
    assert "Westwind Learning" in header(page) and ">WL<" in header(page)
    assert "Westwind Learning" in heading(page) and "Northwind" not in heading(page)
    with app.app_context():
        from portal.accounts.models import User
        from portal.notifications import notify

        notify(User.get(User.email == PEGGY).id, "A new note", "/notifications")
    assert '<span class="badge">1</span>' in header(client.get(url).get_data(as_text=True))
    elsewhere(app, "UPDATE partnership SET name = %s WHERE id = %s", "Academy, renewed", demo.id)
    assert "Academy, renewed" in heading(client.get(url).get_data(as_text=True))
    elsewhere(app, "UPDATE partnership SET stage = %s WHERE id = %s", "governance", demo.id)
    assert "Governance &amp; growth" in heading(client.get(url).get_data(as_text=True))
    # The same person in German: the header and the tabs are drawn in German.
    elsewhere(app, 'UPDATE "user" SET language = %s WHERE email = %s', "de", PEGGY)
    german = client.get(url).get_data(as_text=True)
    assert "Abmelden" in header(german) and "Log out" not in header(german)


def test_the_current_tab_is_the_one_of_the_page(make_app):
    app, demo = drawn_demo(make_app)
    client = signed_in(app)
    for _ in range(2):
        for path, label in (("agreement", "Agreement"), ("library", "Library"),
                            ("expectations", "Expectations")):
            html = client.get(f"/partnerships/{demo.id}/{path}").get_data(as_text=True)
            current = re.findall(r'<a href="[^"]+" aria-current="page">([^<]+)</a>',
                                 html[html.index('<nav class="tabs"'):])
            assert set(current) == {label}, (path, current)


def test_plugins_are_asked_for_navigation_on_every_page(make_app):
    (make_app.plugins_dir / "visits.py").write_text(textwrap.dedent("""
        from portal import NavItem, hookimpl

        CALLS = []

        @hookimpl
        def portal_navigation_items(user):
            CALLS.append(1)
            return NavItem(f"Visit {len(CALLS)}", "/partnerships", weight=5)
    """))
    app, demo = drawn_demo(make_app)
    client = signed_in(app)
    url = f"/partnerships/{demo.id}/agreement"
    seen = [re.search(r">Visit (\d+)<", header(client.get(url).get_data(as_text=True))).group(1)
            for _ in range(3)]
    assert len(set(seen)) == 3  # asked, and drawn with its answer, on each page


def test_another_person_never_gets_the_first_ones_header(make_app):
    app, demo = drawn_demo(make_app)
    peggy, jim = signed_in(app), signed_in(app, JIM)
    url = f"/partnerships/{demo.id}/agreement"
    for _ in range(2):
        assert "Peggy Olson" in header(peggy.get(url).get_data(as_text=True))
        jims = header(jim.get(url).get_data(as_text=True))
        assert "Peggy" not in jims and "Jim" in jims


def test_a_kept_header_carries_the_sessions_own_csrf_token(make_app):
    app, demo = drawn_demo(make_app)
    first, second = signed_in(app), signed_in(app)  # two browsers, one person
    url = f"/partnerships/{demo.id}/agreement"
    first_page = first.get(url).get_data(as_text=True)
    second_page = second.get(url).get_data(as_text=True)
    logout_token = re.compile(r'action="/logout">\s*<input type="hidden" name="csrf_token" '
                              r'value="([^"]+)"')
    theirs = logout_token.findall(first_page)
    mine = logout_token.findall(second_page)
    assert len(mine) == 2 and set(mine).isdisjoint(theirs)
    # The second browser logs out with the token its kept header carries.
    assert second.post("/logout", data={"csrf_token": mine[0]}).status_code == 302
    assert second.get(url).status_code == 302
    assert first.get(url).status_code == 200  # the other session goes on


def test_the_readme_setting_sizes_the_kept_parts_and_zero_turns_them_off(make_app, monkeypatch):
    assert make_app().extensions["portal_fragments"].parts.maxsize == 8 * 1024 * 1024
    monkeypatch.setenv("PORTAL_FRAGMENT_CACHE_MB", "0.5")
    assert make_app().extensions["portal_fragments"].parts.maxsize == 512 * 1024
    monkeypatch.setenv("PORTAL_FRAGMENT_CACHE_MB", "0")
    app, demo = drawn_demo(make_app)
    assert "portal_fragments" not in app.extensions
    client = signed_in(app)
    for _ in range(2):  # drawn whole each time, header and tabs included
        page = client.get(f"/partnerships/{demo.id}/agreement").get_data(as_text=True)
        assert "Peggy Olson" in header(page) and "Leadership Academy 2027" in heading(page)
