"""The enablement dashboard: seed 004's KPIs match the rows behind them, on the page,
in the charts and in both CSV exports."""
import csv
import datetime as dt
import io
import re

import pytest
from conftest import a_minute_passes, login

from portal.accounts.models import User
from portal.content import enablement, library
from portal.content.models import Completion, Feedback, ItemView
from portal.content.reviews import ReviewLog, ReviewSchedule
from portal.db import database
from portal.partnerships.models import Partnership

NOW = dt.datetime(2031, 3, 5, 12, 0)  # a Wednesday


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(enablement, "now", lambda: NOW)


def ago(days, hours=0):
    return NOW - dt.timedelta(days=days, hours=hours)


def make_item(slug, title=None):
    fields = library.fields_from({"title": title or slug.replace("-", " ").capitalize()})
    with database.atomic():
        return library.store(slug, fields, f"About {slug}.\n", "portal")


@pytest.fixture
def people(app, demo):
    with app.app_context():
        return {u.email.split("@")[0]: u for u in User.select()}


@pytest.fixture
def activity(app, demo, people):
    """Known rows: what the tiles, charts and CSVs must add up to."""
    p = people
    with app.app_context():
        trust, cadence = make_item("trust-basics"), make_item("cadence-checklist")
        old = make_item("old-news")
        for who, item, days in [("sam", trust, 1), ("sam", trust, 2), ("jim", trust, 3),
                                ("carla", cadence, 10), ("sam", cadence, 40)]:
            ItemView.create(user=p[who], partnership=demo, item=item, at=ago(days))
        ItemView.create(user=p["jim"], partnership=demo, item=old, at=ago(100))  # beyond 12 weeks
        Completion.create(user=p["sam"], partnership=demo, item=trust, at=ago(1))
        Completion.create(user=p["carla"], partnership=demo, item=cadence, at=ago(35))
        ReviewLog.create(user=p["sam"], partnership=demo, item=trust, at=ago(0, 2), remembered=True, step=0)
        ReviewLog.create(user=p["carla"], partnership=demo, item=cadence, at=ago(5), remembered=False, step=1)
        Feedback.create(user=p["sam"], partnership=demo, item=trust, helpful=True,
                        comment="Used it in our Monday call.", at=ago(1))
        Feedback.create(user=p["jim"], partnership=demo, item=trust, helpful=False,
                        comment="Too long <b>for</b> busy people", at=ago(2))
        Feedback.create(user=p["carla"], partnership=demo, item=cadence, helpful=True, at=ago(50))
        # Another partnership's activity and a non-member's never count here.
        other = Partnership.create(name="Other", client=p["peggy"].organization,
                                   supplier=p["sam"].organization, stage="selection")
        ItemView.create(user=p["sam"], partnership=other, item=trust, at=ago(1))
        Completion.create(user=p["sam"], partnership=other, item=cadence, at=ago(1))
        ItemView.create(user=p["admin"], partnership=demo, item=trust, at=ago(1))
    return {"trust": trust, "cadence": cadence, "old": old}


def tile(html, name):
    match = re.search(rf'data-testid="kpi-{name}">\s*<dt[^>]*>[^<]*</dt>\s*<dd class="kpi__value">([^<]*)</dd>', html)
    assert match, name
    return match.group(1).strip()


@pytest.fixture
def member(app, demo):
    client = app.test_client()
    login(client, "sam@supplier.example")
    return client


def test_tiles_match_the_rows(app, demo, activity, member):
    response = member.get(f"/partnerships/{demo.id}/enablement")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # Active in the last 30 days: sam, jim (views, feedback), carla (view day 10, review);
    # the site admin viewed but is no member.
    assert tile(html, "active") == "3"
    assert "of 6 members" in html
    assert tile(html, "views") == "5"  # sam x2, jim, carla, admin; not day 40, not the other partnership
    assert tile(html, "completions") == "1"
    # All time: pairs opened or finished = sam/trust, jim/trust, carla/cadence, sam/cadence,
    # jim/old, admin/trust = 6; finished 2.
    assert tile(html, "completion-rate") == "33 %"
    assert tile(html, "reviews") == "2"
    assert "1 remembered" in html
    assert tile(html, "helpful") == "2" and tile(html, "not-helpful") == "1"


def test_charts_and_item_table(app, demo, activity, member):
    html = member.get(f"/partnerships/{demo.id}/enablement").get_data(as_text=True)
    assert html.count('<svg class="chart"') == 2
    assert "Views, completions and reviews per week" in html
    table = html.split('data-testid="item-table"')[1].split("</table>")[0]
    rows = re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>"
                      r"<td>(\d+)</td><td>(\d+)</td></tr>", table)
    assert rows[0] == ("Trust basics", "4", "3", "1", "1", "1", "1")
    assert ("Cadence checklist", "2", "2", "1", "1", "1", "0") in rows


def test_latest_comments_are_shown_escaped_and_unsigned(app, demo, activity, member):
    html = member.get(f"/partnerships/{demo.id}/enablement").get_data(as_text=True)
    comments = html.split('id="comments-heading"')[1]
    assert "Used it in our Monday call." in comments
    assert "Too long &lt;b&gt;for&lt;/b&gt; busy people" in comments
    assert "Sam Okafor" not in comments and "Jim Halpert" not in comments


def read_csv(response):
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_weekly_csv_counts_each_week(app, demo, activity, member):
    rows = read_csv(member.get(f"/partnerships/{demo.id}/enablement.csv"))
    assert len(rows) == enablement.WEEKS
    assert rows[-1]["week_start"] == "2031-03-03"  # the Monday of NOW's week
    assert rows[0]["week_start"] == "2030-12-16"
    by_week = {r["week_start"]: r for r in rows}
    this_week = by_week["2031-03-03"]  # Mon 3 - Wed 5: views day 1 (x2), 2; review; feedback x2
    assert (this_week["views"], this_week["completions"], this_week["reviews"],
            this_week["remembered"], this_week["helpful"], this_week["not_helpful"]) == (
        "3", "1", "1", "1", "1", "1")
    assert this_week["active_members"] == "2"  # sam and jim; the admin is no member
    assert by_week["2031-02-24"]["views"] == "1"  # jim, day 3 (Sunday 2 March)
    assert by_week["2031-02-24"]["reviews"] == "1"  # carla, day 5
    assert by_week["2031-01-20"]["views"] == "1"  # sam, day 40
    assert sum(int(r["views"]) for r in rows) == 6  # the 100-day-old view is outside
    assert sum(int(r["helpful"]) for r in rows) == 2


def test_items_csv_lists_every_item_and_defuses_formulas(app, demo, activity, member):
    with app.app_context():
        make_item("formula", title="=HYPERLINK(\"http://x\")")
    rows = read_csv(member.get(f"/partnerships/{demo.id}/enablement-items.csv"))
    by_slug = {r["slug"]: r for r in rows}
    assert {"trust-basics", "cadence-checklist", "old-news", "formula"} <= set(by_slug)
    trust = by_slug["trust-basics"]
    assert (trust["views"], trust["readers"], trust["completions"], trust["reviews"],
            trust["helpful"], trust["not_helpful"]) == ("4", "3", "1", "1", "1", "1")
    assert by_slug["old-news"]["views"] == "1"
    assert by_slug["formula"]["title"].startswith("'=")


def test_an_empty_partnership_shows_zeros_not_errors(app, demo, member):
    html = member.get(f"/partnerships/{demo.id}/enablement").get_data(as_text=True)
    assert tile(html, "active") == "0" and tile(html, "completion-rate") == "—"
    assert "Nobody in this partnership has opened an item yet." in html
    rows = read_csv(member.get(f"/partnerships/{demo.id}/enablement.csv"))
    assert all(r["views"] == "0" for r in rows)


def test_cohort_posts_count_as_participation(app, demo, people, member):
    cohorts = pytest.importorskip("portal.content.cohorts")
    with app.app_context():
        database.create_tables(cohorts.TABLES, safe=True)
        item = make_item("cohort-reading")
        cohort = cohorts.Cohort.create(partnership=demo, name="Spring cohort",
                                       starts_on=NOW.date() - dt.timedelta(days=20),
                                       ends_on=NOW.date() + dt.timedelta(days=20))
        for who, days in [("sam", 1), ("sam", 2), ("carla", 3), ("jim", 45)]:
            cohorts.Post.create(cohort=cohort, item=item, author=people[who], body="x", html="x",
                                created_at=ago(days))
        cohorts.Post.create(cohort=cohort, item=item, author=people["jim"], body="spam", html="spam",
                            created_at=ago(1), hidden_at=ago(0, 1))
    html = member.get(f"/partnerships/{demo.id}/enablement").get_data(as_text=True)
    assert tile(html, "posts") == "3" and tile(html, "posters") == "2"
    assert tile(html, "active") == "2"
    rows = read_csv(member.get(f"/partnerships/{demo.id}/enablement.csv"))
    assert sum(int(r["posts"]) for r in rows) == 4


def enablement_card(html):
    return html.split(">Enablement</h2>")[1].split("</section>")[0]


def test_overview_card_and_tab(app, demo, activity, member, monkeypatch):
    from portal.content import reviews

    with app.app_context():
        sam = User.get(User.email == "sam@supplier.example")
        ReviewSchedule.create(user=sam, partnership=demo, item=activity["trust"], step=0,
                              due_on=dt.date(2031, 3, 1))
    monkeypatch.setattr(reviews, "today", lambda: NOW.date())
    html = member.get(f"/partnerships/{demo.id}/").get_data(as_text=True)
    assert re.search(rf'<a href="/partnerships/{demo.id}/enablement"[^>]*>Enablement</a>', html)  # the tab
    card = enablement_card(html)
    assert "3</strong> active members" in card
    assert "1</strong> item read" in card
    assert "1 review due for you" in card
    assert f'href="/partnerships/{demo.id}/reviews"' in card


def test_viewers_read_the_dashboard_and_are_not_asked_to_review(app, demo, activity):
    victor = app.test_client()
    login(victor, "victor@client.example")
    assert victor.get(f"/partnerships/{demo.id}/enablement").status_code == 200
    card = enablement_card(victor.get(f"/partnerships/{demo.id}/").get_data(as_text=True))
    assert "active members" in card and "review" not in card


def test_week_buckets_agree_between_python_and_the_database(app, demo, people):
    """The SQL week (SQLite date modifiers / PostgreSQL date_trunc) starts on Monday."""
    with app.app_context():
        item = make_item("weeks")
        for days in range(14):
            ItemView.create(user=people["sam"], partnership=demo, item=item, at=ago(days, 11.99))
        weeks = enablement.weekly(demo.id, NOW.date())
        for w in weeks:
            assert w.start.weekday() == 0
        expected = {}
        for days in range(14):
            start = enablement.week_start((ago(days, 11.99)).date())
            expected[start] = expected.get(start, 0) + 1
        assert {w.start: w.counts["views"] for w in weeks if w.counts.get("views")} == expected


def test_an_article_counts_one_view_per_person_and_day(app, client, demo, people, monkeypatch):
    """A reload is not another view; the next day's visit is, and so is someone else's."""
    from portal.content import views

    with app.app_context():
        item = make_item("trust-basics")
    day = dt.datetime(2031, 3, 5, 23, 58)
    monkeypatch.setattr(views, "utcnow", lambda: day)
    login(client, "jim@supplier.example")
    url = f"/partnerships/{demo.id}/library/trust-basics"

    def views_of(user):
        with app.app_context():
            return [v.at for v in ItemView.select().where(
                ItemView.user == user, ItemView.item == item.id).order_by(ItemView.at)]

    for _ in range(3):
        assert client.get(url).status_code == 200
    assert views_of(people["jim"]) == [day]
    day = dt.datetime(2031, 3, 6, 0, 1)  # three minutes later, a new day
    a_minute_passes(monkeypatch)
    assert client.get(url).status_code == 200
    assert views_of(people["jim"]) == [dt.datetime(2031, 3, 5, 23, 58), day]
    client.post("/logout", data={"csrf_token": re.search(
        r'name="csrf-token" content="([^"]+)"', client.get(url).text).group(1)})
    login(client, "sam@supplier.example")
    assert client.get(url).status_code == 200
    assert views_of(people["sam"]) == [day]
    assert len(views_of(people["jim"])) == 2
