"""The library's list in the database (portal/content/listing.py): the order, the
filters and the facet counts a member sees, checked against the rules written out here
in Python over a library of many items with every combination of attributes."""
import itertools

from conftest import login

from portal.content import library, listing
from portal.content.models import ContentItem, Pin
from portal.markup import render_markdown

SIDES, STAGES = ("client", "supplier", "both"), ("selection", "onboarding", "co_creation")


def expected_score(item, side, role, partnership, pinned):
    """The ranking rules as the library promises them."""
    points = 100 if item.id in pinned else 0
    if str(partnership.id) in item.partnerships or partnership.name.lower() in item.partnerships:
        points += 50
    points += 8 if item.audience == side else 3 if item.audience == "both" else -10
    points += 6 if partnership.stage in item.stages else 0
    points += 2 if role and role in item.roles else 0
    return points


def fill(demo, count=120):
    combos = itertools.cycle(itertools.product(SIDES, STAGES, ("editor", "member"), (0, 1, 2)))
    for n, (audience, stage, role, extra) in zip(range(count), combos):
        body = f"Note {n}"
        ContentItem.create(
            slug=f"note-{n:03d}", source="portal", title=f"{'Zeta' if n % 2 else 'alpha'} note {n:03d}",
            body=body, html=render_markdown(body), audience=audience, stages=[stage],
            roles=[role] if extra else [], principles=["cadence"] if n % 3 == 0 else [],
            tags=[f"tag{n % 4}", "shared"][: 1 + extra % 2],
            partnerships=[str(demo.id)] if n % 17 == 0 else [],
            organization=demo.client_id if n % 5 == 0 else None)


def test_the_database_orders_filters_and_counts_as_the_rules_say(app, demo):
    with app.test_request_context():
        library.sync()
        fill(demo)
        for n in (3, 8, 40):
            Pin.create(partnership=demo, item=ContentItem.get(ContentItem.slug == f"note-{n:03d}"))
        pinned = {p.item_id for p in Pin.select()}
        everything = list(library.visible_items(demo, *library.LIST_FIELDS))
        for side, role in (("client", "editor"), ("supplier", "member"), ("supplier", None)):
            want = sorted(everything, key=lambda i: (-expected_score(i, side, role, demo, pinned),
                                                     i.title.lower()))
            got = listing.ranked(demo, side, role, {}, 60)
            assert [i.slug for i in got] == [i.slug for i in want[:60]], (side, role)
        chosen = {"audience": "both", "stage": "onboarding", "principle": "", "tag": "shared"}
        matching = [i for i in everything if i.audience == "both" and "onboarding" in i.stages
                    and "shared" in i.tags]
        assert listing.count(demo, chosen) == len(matching) > 0
        assert {i.slug for i in listing.ranked(demo, "client", "editor", chosen, 500)} == {
            i.slug for i in matching}
        facets = listing.facets(demo)
        counted = {}
        for item in everything:
            for facet, values in (("audience", [item.audience]), ("stage", item.stages),
                                  ("principle", item.principles), ("tag", item.tags)):
                for value in values:
                    counted.setdefault(facet, {}).setdefault(value, 0)
                    counted[facet][value] += 1
        for facet, values in counted.items():
            assert facets[facet] == sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))


def test_the_library_page_shows_a_page_of_many_items_with_a_link_to_more(app, client, demo):
    with app.test_request_context():
        library.sync()
        fill(demo, 130)
        total = library.visible_items(demo).count()
    login(client, "peggy@client.example")
    html = client.get(f"/partnerships/{demo.id}/library").get_data(as_text=True)
    assert f"{total} items, the best fit for you first" in html
    assert html.count('class="card library-item') == 40 and "more=2" in html
    html = client.get(f"/partnerships/{demo.id}/library?tag=tag3").get_data(as_text=True)
    assert "Zeta note 003" in html and "alpha note 002" not in html
