"""Baseline: the schema of Partnership Portal 0.1, frozen.

Every table is spelled out here with the columns it had on the day of the baseline, so
this step never depends on today's model classes. Databases made by 0.1's numbered
steps (`schema_version` 7) already hold exactly this schema: `portal db upgrade`
checks that and records the step without running it (portal/migrations/__init__.py).

Generated with peewee-migrate's `create --auto` from the 0.1 models, then edited where
the generator cannot see: `answer.run_id` has no index of its own, the anonymous
tables are WITHOUT ROWID on SQLite, and the library's search index is raw SQL per
engine.
"""
import peewee as pw


def migrate(migrator, database, *, fake=False):
    sqlite = isinstance(getattr(database, "obj", database), pw.SqliteDatabase)
    @migrator.create_model
    class Organization(pw.Model):
        id = pw.AutoField()
        name = pw.CharField(max_length=120, unique=True)
        kind = pw.CharField(max_length=16)
        theme = pw.CharField(default='default', max_length=64)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "organization"

    @migrator.create_model
    class Partnership(pw.Model):
        id = pw.AutoField()
        name = pw.CharField(max_length=160)
        client = pw.ForeignKeyField(column_name='client_id', field='id', model=migrator.orm['organization'])
        supplier = pw.ForeignKeyField(column_name='supplier_id', field='id', model=migrator.orm['organization'])
        stage = pw.CharField(default='selection', max_length=32)
        contract_end = pw.DateField(null=True)
        description = pw.TextField(default='')
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "partnership"

    @migrator.create_model
    class User(pw.Model):
        id = pw.AutoField()
        email = pw.CharField(max_length=254, unique=True)
        name = pw.CharField(max_length=120)
        password_hash = pw.CharField(max_length=255)
        organization = pw.ForeignKeyField(column_name='organization_id', field='id', model=migrator.orm['organization'], on_delete='CASCADE')
        org_role = pw.CharField(default='member', max_length=16)
        is_site_admin = pw.BooleanField(default=False)
        timezone = pw.CharField(default='UTC', max_length=64)
        is_active_account = pw.BooleanField(default=True)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "user"

    @migrator.create_model
    class RelationalExpectation(pw.Model):
        id = pw.AutoField()
        partnership = pw.ForeignKeyField(column_name='partnership_id', field='id', model=migrator.orm['partnership'], on_delete='CASCADE')
        direction = pw.CharField(max_length=24)
        text = pw.TextField()
        principle = pw.CharField(max_length=40)
        owner = pw.ForeignKeyField(column_name='owner_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        review_on = pw.DateField(null=True)
        version = pw.IntegerField(default=1)
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()
        archived = pw.BooleanField(default=False, index=True)

        class Meta:
            table_name = "relational_expectation"

    @migrator.create_model
    class Acknowledgement(pw.Model):
        id = pw.AutoField()
        expectation = pw.ForeignKeyField(column_name='expectation_id', field='id', model=migrator.orm['relational_expectation'], on_delete='CASCADE')
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        version = pw.IntegerField()
        at = pw.DateTimeField()

        class Meta:
            table_name = "acknowledgement"
            indexes = [(('expectation', 'user'), True)]

    @migrator.create_model
    class Run(pw.Model):
        id = pw.AutoField()
        partnership = pw.ForeignKeyField(column_name='partnership_id', field='id', model=migrator.orm['partnership'], on_delete='CASCADE')
        instrument_id = pw.CharField(index=True, max_length=80)
        instrument_version = pw.CharField(max_length=40)
        snapshot = pw.TextField()
        title = pw.CharField(max_length=160)
        opens_on = pw.DateField()
        closes_on = pw.DateField(null=True)
        audience = pw.CharField(default='both', max_length=16)
        anonymous = pw.BooleanField(default=False)
        record_side = pw.BooleanField(default=True)
        min_responses = pw.IntegerField(default=3)
        status = pw.CharField(default='open', max_length=16)
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        created_at = pw.DateTimeField()
        closed_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "run"

    @migrator.create_model
    class ActionItem(pw.Model):
        id = pw.AutoField()
        partnership = pw.ForeignKeyField(column_name='partnership_id', field='id', model=migrator.orm['partnership'], on_delete='CASCADE')
        run = pw.ForeignKeyField(column_name='run_id', field='id', model=migrator.orm['run'], null=True, on_delete='SET NULL')
        instrument_id = pw.CharField(max_length=80, null=True)
        question_id = pw.CharField(max_length=80, null=True)
        baseline = pw.FloatField(null=True)
        text = pw.TextField()
        client_owner = pw.ForeignKeyField(column_name='client_owner_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        supplier_owner = pw.ForeignKeyField(column_name='supplier_owner_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        due_on = pw.DateField(null=True)
        status = pw.CharField(default='open', max_length=16)
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        created_at = pw.DateTimeField()
        closed_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "action_item"

    @migrator.create_model
    class Agreement(pw.Model):
        id = pw.AutoField()
        partnership = pw.ForeignKeyField(column_name='partnership_id', field='id', model=migrator.orm['partnership'], on_delete='CASCADE', unique=True)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "agreement"

    @migrator.create_model
    class AgreementVersion(pw.Model):
        id = pw.AutoField()
        agreement = pw.ForeignKeyField(column_name='agreement_id', field='id', model=migrator.orm['agreement'], on_delete='CASCADE')
        number = pw.IntegerField()
        content = pw.TextField()
        content_hash = pw.CharField(max_length=64)
        revisions = pw.TextField()
        proposed_by = pw.ForeignKeyField(column_name='proposed_by_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        proposed_at = pw.DateTimeField()
        in_force_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "agreement_version"
            indexes = [(('agreement', 'number'), True)]

    @migrator.create_model
    class Response(pw.Model):
        id = pw.CharField(max_length=32, primary_key=True)
        run = pw.ForeignKeyField(column_name='run_id', field='id', model=migrator.orm['run'], on_delete='CASCADE')
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        side = pw.CharField(max_length=16, null=True)
        submitted_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "response"
            without_rowid = sqlite

    @migrator.create_model
    class Answer(pw.Model):
        response = pw.ForeignKeyField(column_name='response_id', field='id', model=migrator.orm['response'], on_delete='CASCADE')
        question_id = pw.CharField(max_length=80)
        run = pw.ForeignKeyField(column_name='run_id', field='id', model=migrator.orm['run'], index=False, on_delete='CASCADE')
        side = pw.CharField(max_length=16, null=True)
        value_num = pw.FloatField(null=True)
        value_text = pw.TextField(null=True)
        value_date = pw.DateField(null=True)

        class Meta:
            table_name = "answer"
            without_rowid = sqlite
            primary_key = pw.CompositeKey('response', 'question_id')
            indexes = [(('run', 'question_id', 'side', 'value_num'), False)]

    @migrator.create_model
    class AuditEntry(pw.Model):
        id = pw.AutoField()
        at = pw.DateTimeField(index=True)
        actor = pw.ForeignKeyField(column_name='actor_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        partnership = pw.ForeignKeyField(column_name='partnership_id', field='id', model=migrator.orm['partnership'], null=True, on_delete='CASCADE')
        action = pw.CharField(max_length=64)
        detail = pw.TextField(default='{}')

        class Meta:
            table_name = "audit_entry"

    @migrator.create_model
    class Cohort(pw.Model):
        id = pw.AutoField()
        partnership = pw.ForeignKeyField(column_name='partnership_id', field='id', model=migrator.orm['partnership'], on_delete='CASCADE')
        name = pw.CharField(max_length=120)
        description = pw.TextField(default='')
        starts_on = pw.DateField()
        ends_on = pw.DateField()
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "cohort"

    @migrator.create_model
    class ContentItem(pw.Model):
        id = pw.AutoField()
        slug = pw.CharField(max_length=120, unique=True)
        source = pw.CharField(max_length=16)
        organization = pw.ForeignKeyField(column_name='organization_id', field='id', model=migrator.orm['organization'], null=True, on_delete='CASCADE')
        path = pw.CharField(default='', max_length=300)
        mtime = pw.FloatField(default=0.0)
        title = pw.CharField(max_length=200)
        summary = pw.TextField(default='')
        audience = pw.CharField(default='both', max_length=16)
        roles = pw.TextField()
        stages = pw.TextField()
        principles = pw.TextField()
        tags = pw.TextField()
        partnerships = pw.TextField()
        reading_time = pw.IntegerField(default=1)
        language = pw.CharField(default='en', max_length=12)
        body = pw.TextField(default='')
        html = pw.TextField(default='')
        toc = pw.TextField()
        recall_question = pw.TextField(default='')
        recall_answer = pw.TextField(default='')
        updated_at = pw.DateTimeField()
        removed = pw.BooleanField(default=False)

        class Meta:
            table_name = "content_item"

    @migrator.create_model
    class CohortItem(pw.Model):
        id = pw.AutoField()
        cohort = pw.ForeignKeyField(column_name='cohort_id', field='id', model=migrator.orm['cohort'], on_delete='CASCADE')
        item = pw.ForeignKeyField(column_name='item_id', field='id', model=migrator.orm['content_item'], on_delete='CASCADE')
        due_on = pw.DateField()
        position = pw.IntegerField(default=0)

        class Meta:
            table_name = "cohort_item"
            indexes = [(('cohort', 'item'), True)]

    @migrator.create_model
    class CohortMember(pw.Model):
        id = pw.AutoField()
        cohort = pw.ForeignKeyField(column_name='cohort_id', field='id', model=migrator.orm['cohort'], on_delete='CASCADE')
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        added_at = pw.DateTimeField()

        class Meta:
            table_name = "cohort_member"
            indexes = [(('cohort', 'user'), True)]

    @migrator.create_model
    class Section(pw.Model):
        id = pw.AutoField()
        agreement = pw.ForeignKeyField(column_name='agreement_id', field='id', model=migrator.orm['agreement'], on_delete='CASCADE')
        title = pw.CharField(max_length=160)
        guidance = pw.TextField(default='')
        position = pw.IntegerField(default=0)
        removed = pw.BooleanField(default=False)
        head = pw.IntegerField(null=True)
        changed_at = pw.DateTimeField()

        class Meta:
            table_name = "section"

    @migrator.create_model
    class Comment(pw.Model):
        id = pw.AutoField()
        section = pw.ForeignKeyField(column_name='section_id', field='id', model=migrator.orm['section'], on_delete='CASCADE')
        parent = pw.ForeignKeyField(column_name='parent_id', field='id', model='self', null=True, on_delete='CASCADE')
        author = pw.ForeignKeyField(column_name='author_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        body = pw.TextField()
        quote = pw.TextField(default='')
        resolved = pw.BooleanField(default=False)
        resolved_by = pw.ForeignKeyField(column_name='resolved_by_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "comment"

    @migrator.create_model
    class Completion(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        partnership = pw.ForeignKeyField(column_name='partnership_id', field='id', model=migrator.orm['partnership'], on_delete='CASCADE')
        item = pw.ForeignKeyField(column_name='item_id', field='id', model=migrator.orm['content_item'], on_delete='CASCADE')
        at = pw.DateTimeField()

        class Meta:
            table_name = "completion"
            indexes = [(('user', 'partnership', 'item'), True)]

    @migrator.create_model
    class ContentProblem(pw.Model):
        id = pw.AutoField()
        path = pw.CharField(max_length=300, unique=True)
        reason = pw.TextField()
        seen_at = pw.DateTimeField()

        class Meta:
            table_name = "content_problem"

    @migrator.create_model
    class ContentRevision(pw.Model):
        id = pw.AutoField()
        item = pw.ForeignKeyField(column_name='item_id', field='id', model=migrator.orm['content_item'], on_delete='CASCADE')
        fields = pw.TextField()
        body = pw.TextField()
        author = pw.ForeignKeyField(column_name='author_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "content_revision"

    @migrator.create_model
    class Draft(pw.Model):
        id = pw.AutoField()
        run = pw.ForeignKeyField(column_name='run_id', field='id', model=migrator.orm['run'], on_delete='CASCADE')
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        data = pw.TextField(default='{}')
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "draft"
            indexes = [(('run', 'user'), True)]

    @migrator.create_model
    class SectionRevision(pw.Model):
        id = pw.AutoField()
        section = pw.ForeignKeyField(column_name='section_id', field='id', model=migrator.orm['section'], on_delete='CASCADE')
        number = pw.IntegerField()
        body = pw.TextField()
        html = pw.TextField()
        summary = pw.CharField(default='', max_length=200)
        author = pw.ForeignKeyField(column_name='author_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        organization = pw.ForeignKeyField(column_name='organization_id', field='id', model=migrator.orm['organization'], null=True, on_delete='SET NULL')
        base = pw.ForeignKeyField(column_name='base_id', field='id', model='self', null=True, on_delete='SET NULL')
        merged_with = pw.ForeignKeyField(column_name='merged_with_id', field='id', model='self', null=True, on_delete='SET NULL')
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "section_revision"
            indexes = [(('section', 'number'), True)]

    @migrator.create_model
    class EditDraft(pw.Model):
        id = pw.AutoField()
        section = pw.ForeignKeyField(column_name='section_id', field='id', model=migrator.orm['section'], on_delete='CASCADE')
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        base = pw.ForeignKeyField(column_name='base_id', field='id', model=migrator.orm['section_revision'], null=True, on_delete='SET NULL')
        body = pw.TextField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "edit_draft"
            indexes = [(('section', 'user'), True)]

    @migrator.create_model
    class Feedback(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        partnership = pw.ForeignKeyField(column_name='partnership_id', field='id', model=migrator.orm['partnership'], on_delete='CASCADE')
        item = pw.ForeignKeyField(column_name='item_id', field='id', model=migrator.orm['content_item'], on_delete='CASCADE')
        helpful = pw.BooleanField()
        comment = pw.TextField(default='')
        at = pw.DateTimeField()

        class Meta:
            table_name = "feedback"
            indexes = [(('user', 'partnership', 'item'), True)]

    @migrator.create_model
    class ItemView(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        partnership = pw.ForeignKeyField(column_name='partnership_id', field='id', model=migrator.orm['partnership'], on_delete='CASCADE')
        item = pw.ForeignKeyField(column_name='item_id', field='id', model=migrator.orm['content_item'], on_delete='CASCADE')
        at = pw.DateTimeField(index=True)

        class Meta:
            table_name = "item_view"

    @migrator.create_model
    class LoginAttempt(pw.Model):
        id = pw.AutoField()
        email = pw.CharField(index=True, max_length=254)
        ip = pw.CharField(index=True, max_length=64)
        at = pw.DateTimeField(index=True)

        class Meta:
            table_name = "login_attempt"

    @migrator.create_model
    class Notification(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        partnership = pw.ForeignKeyField(column_name='partnership_id', field='id', model=migrator.orm['partnership'], null=True, on_delete='CASCADE')
        text = pw.CharField(max_length=300)
        url = pw.CharField(max_length=300)
        created_at = pw.DateTimeField()
        read_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "notification"

    @migrator.create_model
    class Participation(pw.Model):
        run = pw.ForeignKeyField(column_name='run_id', field='id', model=migrator.orm['run'], on_delete='CASCADE')
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')

        class Meta:
            table_name = "participation"
            without_rowid = sqlite
            primary_key = pw.CompositeKey('run', 'user')

    @migrator.create_model
    class PartnershipMember(pw.Model):
        id = pw.AutoField()
        partnership = pw.ForeignKeyField(column_name='partnership_id', field='id', model=migrator.orm['partnership'], on_delete='CASCADE')
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        role = pw.CharField(default='member', max_length=16)
        added_at = pw.DateTimeField()

        class Meta:
            table_name = "partnership_member"
            indexes = [(('partnership', 'user'), True)]

    @migrator.create_model
    class PartnershipNote(pw.Model):
        id = pw.AutoField()
        partnership = pw.ForeignKeyField(column_name='partnership_id', field='id', model=migrator.orm['partnership'], on_delete='CASCADE')
        item = pw.ForeignKeyField(column_name='item_id', field='id', model=migrator.orm['content_item'], on_delete='CASCADE')
        body = pw.TextField()
        html = pw.TextField()
        author = pw.ForeignKeyField(column_name='author_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "partnership_note"
            indexes = [(('partnership', 'item'), True)]

    @migrator.create_model
    class Pin(pw.Model):
        id = pw.AutoField()
        partnership = pw.ForeignKeyField(column_name='partnership_id', field='id', model=migrator.orm['partnership'], on_delete='CASCADE')
        item = pw.ForeignKeyField(column_name='item_id', field='id', model=migrator.orm['content_item'], on_delete='CASCADE')
        pinned_by = pw.ForeignKeyField(column_name='pinned_by_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "pin"
            indexes = [(('partnership', 'item'), True)]

    @migrator.create_model
    class Post(pw.Model):
        id = pw.AutoField()
        cohort = pw.ForeignKeyField(column_name='cohort_id', field='id', model=migrator.orm['cohort'], on_delete='CASCADE')
        item = pw.ForeignKeyField(column_name='item_id', field='id', model=migrator.orm['content_item'], on_delete='CASCADE')
        author = pw.ForeignKeyField(column_name='author_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        parent = pw.ForeignKeyField(column_name='parent_id', field='id', model='self', null=True, on_delete='CASCADE')
        body = pw.TextField()
        html = pw.TextField()
        created_at = pw.DateTimeField()
        edited_at = pw.DateTimeField(null=True)
        reported_by = pw.ForeignKeyField(column_name='reported_by_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        reported_at = pw.DateTimeField(null=True)
        report_reason = pw.TextField(default='')
        hidden_by = pw.ForeignKeyField(column_name='hidden_by_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        hidden_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "post"
            indexes = [(('cohort', 'item', 'created_at'), False)]

    @migrator.create_model
    class Presence(pw.Model):
        id = pw.AutoField()
        section = pw.ForeignKeyField(column_name='section_id', field='id', model=migrator.orm['section'], on_delete='CASCADE')
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        seen_at = pw.DateTimeField(index=True)

        class Meta:
            table_name = "presence"
            indexes = [(('section', 'user'), True)]

    @migrator.create_model
    class Ratification(pw.Model):
        id = pw.AutoField()
        version = pw.ForeignKeyField(column_name='version_id', field='id', model=migrator.orm['agreement_version'], on_delete='CASCADE')
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        organization = pw.ForeignKeyField(column_name='organization_id', field='id', model=migrator.orm['organization'], on_delete='CASCADE')
        side = pw.CharField(max_length=16)
        content_hash = pw.CharField(max_length=64)
        at = pw.DateTimeField()

        class Meta:
            table_name = "ratification"
            indexes = [(('version', 'side'), True)]

    @migrator.create_model
    class Reflection(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        partnership = pw.ForeignKeyField(column_name='partnership_id', field='id', model=migrator.orm['partnership'], on_delete='CASCADE')
        item = pw.ForeignKeyField(column_name='item_id', field='id', model=migrator.orm['content_item'], on_delete='CASCADE')
        plan = pw.TextField()
        outcome = pw.TextField(default='')
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()
        outcome_at = pw.DateTimeField(null=True)
        shared_cohort = pw.ForeignKeyField(column_name='shared_cohort_id', field='id', model=migrator.orm['cohort'], null=True, on_delete='SET NULL')
        shared_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "reflection"
            indexes = [(('user', 'partnership', 'item'), False), (('shared_cohort', 'item'), False)]

    @migrator.create_model
    class ReviewLog(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        partnership = pw.ForeignKeyField(column_name='partnership_id', field='id', model=migrator.orm['partnership'], on_delete='CASCADE')
        item = pw.ForeignKeyField(column_name='item_id', field='id', model=migrator.orm['content_item'], on_delete='CASCADE')
        at = pw.DateTimeField(index=True)
        remembered = pw.BooleanField()
        step = pw.IntegerField()

        class Meta:
            table_name = "review_log"

    @migrator.create_model
    class ReviewSchedule(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        partnership = pw.ForeignKeyField(column_name='partnership_id', field='id', model=migrator.orm['partnership'], on_delete='CASCADE')
        item = pw.ForeignKeyField(column_name='item_id', field='id', model=migrator.orm['content_item'], on_delete='CASCADE')
        step = pw.IntegerField(default=0)
        due_on = pw.DateField()
        last_reviewed_at = pw.DateTimeField(null=True)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "review_schedule"
            indexes = [(('user', 'partnership', 'item'), True), (('user', 'due_on'), False)]

    @migrator.create_model
    class RunInvitee(pw.Model):
        id = pw.AutoField()
        run = pw.ForeignKeyField(column_name='run_id', field='id', model=migrator.orm['run'], on_delete='CASCADE')
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')

        class Meta:
            table_name = "run_invitee"
            indexes = [(('run', 'user'), True)]

    # Full-text search of the library: FTS5 embedded, a tsvector table with GIN at scale.
    if sqlite:
        migrator.sql(
            "CREATE VIRTUAL TABLE content_fts USING fts5("
            "title, summary, body, tags, item_id UNINDEXED, tokenize = 'porter unicode61')")
    else:
        migrator.sql(
            "CREATE TABLE content_search (item_id INTEGER PRIMARY KEY "
            "REFERENCES content_item(id) ON DELETE CASCADE, document tsvector NOT NULL, "
            "title TEXT NOT NULL, summary TEXT NOT NULL, body TEXT NOT NULL)")
        migrator.sql(
            "CREATE INDEX content_search_document ON content_search USING GIN (document)")
