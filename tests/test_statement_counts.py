"""SQL statements per page (issue 12): at most 12, and the same with ten times the data,
so a page never runs a statement per row (N+1). Every page a member lands on is listed.
"""
import datetime as dt
import logging
import re
from contextlib import contextmanager

import pytest
from conftest import login, post

from portal.agreements.models import Comment, Section, SectionRevision
from portal.agreements import editing
from portal.accounts.models import User
from portal.content.cohorts.models import Cohort, CohortMember
from portal.content import library
from portal.content.cohorts.models import CohortItem
from portal.content.models import Completion, ContentItem, Feedback, ItemView
from portal.expectations import changes as expectations
from portal.instruments import registry
from portal.instruments import runs as run_ops
from portal.instruments.models import ActionItem, Run
from portal.markup import render_markdown

MOST = 12
ARTICLE = "six-principles-overview"
PAGES = {
    "overview": "/partnerships/{id}/",
    "agreement": "/partnerships/{id}/agreement",
    "article": "/partnerships/{id}/library/" + ARTICLE,
    "results": "/partnerships/{id}/runs/{run}/",
    "enablement": "/partnerships/{id}/enablement",
    "library": "/partnerships/{id}/library",
    "cohorts": "/partnerships/{id}/cohorts",
    "action plan": "/partnerships/{id}/actions",
    "expectations": "/partnerships/{id}/expectations",
    "instruments": "/partnerships/{id}/instruments",
    "4 I's audits": "/partnerships/{id}/audit",
    "health": "/partnerships/{id}/health",
    "portfolio": "/portfolio",
}


@contextmanager
def counted():
    """The statements peewee sends while the block runs."""
    statements = []
    handler = logging.Handler()
    # peewee logs each statement as (sql, params); its pool logs text lines, not counted.
    handler.emit = lambda record: (statements.append(record.getMessage())
                                   if isinstance(record.msg, tuple) else None)
    logger = logging.getLogger("peewee")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield statements
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def with_results(app, demo):
    """The demo's runs with their answers; the results page shows the oldest (it has runs
    of its instrument opened after it, and the overview shows the newest)."""
    from portal.demo import load_demo_runs

    with app.test_request_context():
        library.sync()
        load_demo_runs(demo)
        return Run.select().where(Run.partnership == demo.id).order_by(Run.id).first().id


def tokens_out(response):
    """The page without its CSRF token (wherever the page carries it)."""
    html = response.get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', html)
    return html.replace(token.group(1), "") if token else html


def statements_of(client, url):
    """The statements of the page drawn; and, kept (portal/page_cache.py), it is served
    with one: the one that loads the user and reads the version of the data."""
    client.get(url)  # first visits make what pages make once (the agreement, schedules)
    extensions = client.application.extensions
    cache = extensions.pop("portal_page_cache")
    try:
        with counted() as statements:
            response = client.get(url)
    finally:
        extensions["portal_page_cache"] = cache
    assert response.status_code == 200, url
    assert "could not be shown" not in response.get_data(as_text=True), url  # a card failed
    client.get(url)
    with counted() as kept:
        again = client.get(url)
    assert again.headers["X-Page-Cache"] == "hit", url
    # The same page, but for the CSRF token: the request's own, signed with its second.
    assert tokens_out(again) == tokens_out(response), url
    assert len(kept) == 1, url
    return len(statements)


def grow(app, demo, times=10):
    """Ten times the rows these pages show: sections with revisions by people of both
    organizations, open comments, someone editing; cohorts with members; items the
    client's people wrote; open runs for everyone, one side and named people;
    expectations by different people; joint actions with owners."""
    with app.test_request_context():
        library.sync()
        agreement = editing.agreement_for(demo)
        people = list(User.select().where(User.organization.in_([demo.client_id, demo.supplier_id])))
        sections = editing.sections_of(agreement)
        for n in range(len(sections) * (times - 1)):
            author = people[n % len(people)]
            section = Section.create(agreement=agreement, title=f"Clause {n}", position=100 + n)
            revision = SectionRevision.create(section=section, number=1, body=f"Text {n}",
                                              html=render_markdown(f"Text {n}"), author=author,
                                              organization=author.organization_id)
            Section.update(head=revision.id).where(Section.id == section.id).execute()
            Comment.create(section=section, author=author, body=f"Question {n}", quote="")
            editing.touch_presence(section, author)
        for n in range(times):
            cohort = Cohort.create(partnership=demo, name=f"Cohort {n}", created_by=people[0],
                                   starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2027, 1, 1))
            for person in people:
                CohortMember.create(cohort=cohort, user=person)
        for n in range(3 * times):
            ContentItem.create(slug=f"grown-{times}-{n}", source="portal", title=f"Grown {n}",
                               organization=demo.client_id, body=f"Body {n}",
                               html=render_markdown(f"Body {n}"))
        survey = registry.get("relational_survey")
        for n in range(times):
            named = people[: n % len(people) + 1]
            for audience in ("both", "client", "named"):
                run_ops.open_run(demo, survey, f"Run {times}-{n}-{audience}", dt.date.today(),
                                 None, audience, False, 3, named if audience == "named" else (),
                                 people[0])
            expectations.create(demo, people[n % len(people)], "client_of_supplier",
                                f"Expectation {times}-{n}", "commitment", people[0].id, None)
        owners = {p.organization_id: p for p in people}
        for n in range(10 * times):
            ActionItem.create(partnership=demo, text=f"Action {n}",
                              client_owner=owners[demo.client_id],
                              supplier_owner=owners[demo.supplier_id])
        # Reading: what the enablement dashboard counts and the article page lists.
        article = ContentItem.get(ContentItem.slug == ARTICLE)
        items = list(ContentItem.select().limit(3 * times))
        for n in range(3 * times):
            person, item = people[n % len(people)], items[n % len(items)]
            ItemView.create(user=person, partnership=demo, item=item)
            ItemView.create(user=person, partnership=demo, item=article)
            Completion.insert(user=person, partnership=demo, item=item).on_conflict_ignore().execute()
            Feedback.insert(user=person, partnership=demo, item=item, helpful=n % 3 > 0,
                            comment=f"Comment {n}").on_conflict_ignore().execute()
        for cohort in Cohort.select().where(Cohort.partnership == demo):
            CohortItem.get_or_create(cohort=cohort, item=article,
                                     defaults={"due_on": dt.date(2026, 6, 1)})
        # Results: earlier runs of every instrument, with actions on flagged items.
        first = Run.select().where(Run.partnership == demo).order_by(Run.id).first()
        for n in range(times):
            earlier = run_ops.open_run(demo, registry.get(first.instrument_id), f"Earlier {n}",
                                       first.opens_on - dt.timedelta(days=n + 1), None,
                                       "both", False, 3, (), people[0])
            ActionItem.create(partnership=demo, run=earlier, instrument_id=first.instrument_id,
                              question_id=registry.questions_of(first)[0].id, baseline=2.0,
                              text=f"Flagged {n}", client_owner=owners[demo.client_id])
        # Health: benefits of both sides with values, everyone's ratings, past months.
        from portal.scorecard.models import Benefit, BenefitValue, Rating

        for n in range(times):
            owner = people[n % len(people)]
            benefit = Benefit.create(partnership=demo, side=demo.side_of(owner.organization_id),
                                     kind="economic", name=f"Benefit {times}-{n}", target=10.0,
                                     owner=owner)
            for day in range(3):
                BenefitValue.create(benefit=benefit, measured_on=dt.date(2026, 1, 1 + day), value=day)
            for person in people:
                Rating.create(partnership=demo, user=person, side=demo.side_of(person.organization_id),
                              subject="partnership" if n % 2 else "partner", score=1 + n % 5)


@pytest.mark.parametrize("page", PAGES)
def test_a_page_runs_at_most_12_statements_and_as_many_with_ten_times_the_data(
        app, client, demo, page):
    run = with_results(app, demo)
    login(client, "peggy@client.example")
    url = PAGES[page].format(id=demo.id, run=run)
    client.get(url)
    grow(app, demo, times=2)  # a few of each, so that nothing is skipped for being empty
    before = statements_of(client, url)
    assert before <= MOST
    grow(app, demo)
    assert statements_of(client, url) == before


def test_an_agreement_page_shows_what_it_read_in_one_statement_each(app, client, demo):
    """The joined rows are the ones drawn: authors, organizations, sign-offs."""
    login(client, "peggy@client.example")
    url = f"/partnerships/{demo.id}/agreement"
    client.get(url)
    grow(app, demo, times=2)
    post(client, f"{url}/versions", page=url)
    html = client.get(url).get_data(as_text=True)
    assert "Clause 7" in html and "Text 7" in html
    assert "0 of 2 sign-offs" in html
    assert "— editing" in html and "Revision 1 by " in html


def more_partnerships(app, demo, times):
    """`times` partnerships of the demo client, each with its own supplier, with reviews,
    a closed 4 I's audit and an open survey, late actions and members: what the
    portfolio reads for every row."""
    from portal.accounts.models import Organization
    from portal.meetings.models import Meeting
    from portal.partnerships.models import Partnership, PartnershipMember

    with app.test_request_context():
        peggy = User.get(User.email == "peggy@client.example")
        audit, survey = registry.get("four_is_audit"), registry.get("relational_survey")
        start = Partnership.select().count()
        for n in range(start, start + times):
            supplier = Organization.create(name=f"Supplier {n}", kind="supplier")
            partnership = Partnership.create(
                name=f"Partnership {n}", client=demo.client_id, supplier=supplier,
                stage="co_creation", contract_end=dt.date.today() + dt.timedelta(days=30 * n))
            PartnershipMember.create(partnership=partnership, user=peggy, role="sponsor")
            for kind, status in (("sponsor", "closed"), ("business", "open")):
                Meeting.create(partnership=partnership, kind=kind, title=f"{kind} {n}", status=status,
                               scheduled_at=dt.datetime(2026, 1, 1 + n % 28, 9))
            run_ops.close_run(run_ops.open_run(partnership, audit, f"Audit {n}",
                                               dt.date.today() - dt.timedelta(days=n), None,
                                               "both", False, 3, (), peggy))
            run_ops.open_run(partnership, survey, f"Survey {n}", dt.date.today(), None, "both",
                             False, 3, (), peggy)
            ActionItem.create(partnership=partnership, text=f"Late {n}",
                              due_on=dt.date.today() - dt.timedelta(days=1))


def test_the_portfolio_runs_as_many_statements_with_ten_times_the_partnerships(app, client, demo):
    from portal.portfolio.models import Reevaluation

    login(client, "peggy@client.example")
    more_partnerships(app, demo, 3)
    post(client, "/portfolio/re-evaluation", page="/portfolio")
    with app.app_context():
        year = Reevaluation.get().year
    urls = ["/portfolio", "/portfolio?sort=flags&dir=desc", f"/portfolio/re-evaluation/{year}",
            f"/portfolio/re-evaluation/{year}/partnerships/{demo.id}"]
    before = {url: statements_of(client, url) for url in urls}
    assert max(before.values()) <= MOST, before
    more_partnerships(app, demo, 30)
    assert {url: statements_of(client, url) for url in urls} == before
