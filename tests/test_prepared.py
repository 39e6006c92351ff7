"""Queries built once (portal/prepared.py): the same rows as peewee's own query, with
each call's ids, joins assembled the same way."""
import pytest

from portal.accounts.models import Organization, User
from portal.partnerships.access import partnership_and_membership
from portal.partnerships.models import Partnership, PartnershipMember
from portal.prepared import Prepared


def test_a_prepared_query_answers_with_each_calls_ids(app, demo):
    prepared = Prepared(lambda user_id: User.select(User, Organization).join(Organization)
                        .where(User.id == user_id).limit(1))
    with app.app_context():
        for user in User.select():
            found = prepared.first(user.id)
            assert (found.id, found.email, found.organization.name) == (
                user.id, user.email, Organization.get_by_id(user.organization_id).name)
        assert prepared.first(10**9) is None
        people = Prepared(lambda org_id: User.select(User.id).where(User.organization == org_id))
        assert len(list(people.rows(demo.client_id))) == (
            User.select().where(User.organization == demo.client_id).count())


def test_the_partnership_comes_with_the_readers_membership_and_both_organizations(app, demo):
    with app.app_context():
        member = PartnershipMember.select().where(PartnershipMember.partnership == demo.id).first()
        partnership, membership = partnership_and_membership(demo.id, member.user_id)
        assert (partnership.id, membership.id, membership.role) == (demo.id, member.id, member.role)
        assert partnership.client.name == Organization.get_by_id(demo.client_id).name
        assert partnership.supplier.name == Organization.get_by_id(demo.supplier_id).name
        outsider = User.create(email="outsider@elsewhere.test", name="Outsider",
                               organization=demo.client_id, password_hash="x")
        partnership, membership = partnership_and_membership(demo.id, outsider.id)
        assert partnership.id == demo.id and membership is None
        assert partnership_and_membership(demo.id + 1000, member.user_id) == (None, None)
        other = Partnership.create(name="Other", client=demo.client_id, supplier=demo.supplier_id)
        assert partnership_and_membership(other.id, member.user_id)[1] is None


def test_an_id_that_is_not_a_parameter_is_refused(app):
    with app.app_context():
        with pytest.raises(ValueError, match="every argument must be a parameter"):
            Prepared(lambda user_id: User.select().where(User.id == 1)).first(5)


def test_lists_dates_and_text_are_values_too(app, demo):
    import datetime as dt

    people = Prepared(lambda ids, email, since: User.select(User.id).where(
        User.id.in_(ids), User.email != email, User.created_at >= since).order_by(User.id))
    with app.app_context():
        everyone = [u.id for u in User.select().order_by(User.id)]
        first = User.get_by_id(everyone[0])
        long_ago = dt.datetime(2000, 1, 1)
        assert [u.id for u in people.rows(everyone, first.email, long_ago)] == everyone[1:]
        assert [u.id for u in people.rows(everyone[:2], "nobody", long_ago)] == everyone[:2]
        assert people.list(everyone[:2], "nobody", dt.datetime(3000, 1, 1)) == []


def test_an_update_writes_each_calls_values_and_counts_as_a_write(app, demo):
    """`run` gives the rows changed; a kept page must never outlive a write sent this way
    (page_cache.py counts writes through peewee)."""
    import datetime as dt

    from portal.db import writes_sent

    rename = Prepared(lambda name, when, user_id: User.update(name=name, created_at=when)
                      .where(User.id == user_id))
    with app.app_context():
        first, second = [u.id for u in User.select().order_by(User.id).limit(2)]
        before = writes_sent()
        assert rename.run("Ann Renamed", dt.datetime(2020, 1, 2, 3, 4), first) == 1
        assert rename.run("Bo Renamed", dt.datetime(2021, 5, 6), second) == 1
        assert rename.run("Nobody", dt.datetime(2021, 5, 6), 10**9) == 0
        assert writes_sent() == before + 3
        assert [(u.name, u.created_at) for u in User.select().where(User.id.in_([first, second]))
                .order_by(User.id)] == [("Ann Renamed", dt.datetime(2020, 1, 2, 3, 4)),
                                         ("Bo Renamed", dt.datetime(2021, 5, 6))]


def test_create_writes_the_row_peewee_would_with_fresh_defaults_each_time(app, demo):
    """The INSERT is built once, but a default time is taken at each call, a None is
    NULL, a row given for a foreign key is its id, and a flag goes through peewee."""
    import time

    from portal import prepared
    from portal.audit import AuditEntry

    from portal.db import writes_sent

    with app.app_context():
        peggy = User.get(User.email == "peggy@client.example")
        before = writes_sent()
        first = prepared.create(AuditEntry, action="tested", actor=peggy, partnership=demo.id,
                                detail='{"n": 1}')
        time.sleep(0.002)
        second = prepared.create(AuditEntry, action="tested", actor=peggy, partnership=demo.id,
                                 detail='{"n": 2}')
        third = prepared.create(AuditEntry, action="tested", actor=None, partnership=None)
        assert writes_sent() == before + 3  # a kept page never outlives one of these
        assert len({first.id, second.id, third.id}) == 3
        rows = {row.id: row for row in AuditEntry.select().where(AuditEntry.action == "tested")}
        assert [(rows[r.id].actor_id, rows[r.id].partnership_id, rows[r.id].detail)
                for r in (first, second, third)] == [
            (peggy.id, demo.id, '{"n": 1}'), (peggy.id, demo.id, '{"n": 2}'), (None, None, "{}")]
        assert rows[first.id].at < rows[second.id].at  # the default time of each call
        assert rows[first.id].at == first.at and rows[third.id].detail == third.detail
        # A flag (no stand-in takes one) is written through peewee, and written right.
        from portal.agreements.editing import agreement_for
        from portal.agreements.models import Section

        section = prepared.create(Section, agreement=agreement_for(demo), title="Flags")
        assert Section.get_by_id(section.id).title == "Flags" and section.removed is False


def test_on_postgresql_a_statement_is_prepared_on_the_server_once_per_connection(app, demo):
    """The server plans it once; a statement it cannot prepare, one inside a transaction
    and one on a connection that has not seen it all still answer, as plain SQL."""
    from peewee import Case

    from portal import prepared as module
    from portal.db import database, is_sqlite

    with app.app_context():
        if is_sqlite():
            pytest.skip("SQLite has no server to prepare on")
        by_id = Prepared(lambda user_id: User.select(User.email).where(User.id == user_id).limit(1))
        user = User.select().first()
        assert by_id.first(user.id).email == user.email

        def on_server():
            return {name for name, statement in database.execute_sql(
                "SELECT name, statement FROM pg_prepared_statements")}

        (name,) = {c[4] for c in by_id._compiled.values()}
        assert name in on_server()
        assert by_id.first(user.id).email == user.email  # EXECUTE, not a second PREPARE
        with database.atomic():
            assert by_id.first(user.id).email == user.email
        # CASE with parameters only: the server cannot tell their type, so it is sent plain.
        ranked = Prepared(lambda user_id: User.select(
            Case(None, [(User.id == user_id, 100)], 0).alias("score")).where(User.id == user_id))
        assert ranked.tuple(user.id) == (100,)
        assert {c[4] for c in ranked._compiled.values()} <= module._UNPREPARABLE
        # A connection that never saw the statement (the pool made it anew) is told.
        connection = database.connection()
        with connection.cursor() as cursor:
            cursor.execute(f"DEALLOCATE {name}")
        assert by_id.first(user.id).email == user.email
        assert by_id.first(user.id).email == user.email and name in on_server()
