"""Every hook a plugin can implement, in one module (the `portal_` prefix marks them).

Hooks are called with keyword arguments; an implementation names only the arguments
it needs, and new arguments may be added later without breaking it. Do not give
implementation arguments default values: pluggy does not pass them.
"""
import pluggy

PROJECT = "partnership_portal"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def portal_startup(app):
    """Called once when the application has been built, after every plugin is registered.

    Use it to read configuration, register template filters or warm a cache. `app` is the
    Flask application; keep what you store on it under `app.extensions[<your name>]`.
    """


@hookspec
def portal_blueprints():
    """Return a Flask Blueprint or a list of them to register on the application.

    Routes whose URL contains `<int:partnership_id>` are partnership-scoped: the portal
    checks membership before your view runs (non-members get 404, viewers cannot write).
    Blueprint names must be unique: of two with one name, the second is refused and
    listed under its plugin. `partnership_blueprint` makes one scoped to a partnership.
    """


@hookspec
def portal_template_folders():
    """Return a folder or a list of folders holding Jinja templates.

    They are searched after the active theme and before the portal's own templates, so
    a plugin can override a portal template by path. Keep your own templates under a
    sub-folder named after your plugin. Plugins loaded from a folder that contains
    `templates/` get it added without implementing this hook.
    """


@hookspec
def portal_static_folders():
    """Return a folder (or a list) of static files served under /-/plugins/<plugin name>/.

    In templates, link them with `plugin_static("<plugin name>", "file.css")`. A plugin
    folder that contains `static/` gets it served without implementing this hook.
    """


@hookspec
def portal_navigation_items(user, partnership, membership):
    """Return NavItem records (or a list) for the navigation of the current page.

    `user` is the logged-in UserInfo, or None for a visitor; `partnership` the
    PartnershipInfo of the page, or None outside one; `membership` the user's
    MembershipInfo there (`role`, `side`), or None. Items are sorted by their `weight`,
    then label, so the order a user sees does not depend on the order plugins loaded.
    """


@hookspec
def portal_instruments():
    """Return an Instrument (or a list) that partnerships can run.

    Instrument ids must be unique: of two with one id, the second is refused and listed
    under its plugin. A plugin whose hook raises or returns something that is not an
    Instrument is marked failed.
    """


@hookspec
def portal_models():
    """Return peewee model classes (subclasses of `portal.Model`) your plugin stores.

    A plugin that returns models must also implement `portal_migrations`: the tables are
    made and changed by its schema steps, never from the model classes. Name tables
    after your plugin to avoid clashes.
    """


@hookspec
def portal_migrations():
    """Return the folder holding your plugin's schema steps (`001_initial.py`, `002_…`).

    `portal db upgrade` applies the steps in the order of their numbers, each once and
    in its own transaction, recorded in your plugin's own history table; while one is
    pending the portal answers 503 and `portal db status` names it. Each step is a
    peewee-migrate file with a `migrate(migrator, database, fake=False)` function;
    `portal db revision <plugin> <name>` writes the next one from your models.
    """


@hookspec
def portal_dashboard_cards(partnership, membership, user):
    """Return DashboardCard records (or a list) for a partnership's overview page.

    `partnership` is a PartnershipInfo, `membership` the viewer's MembershipInfo (None
    for an organization admin who is not a member), `user` the viewer's UserInfo.
    Called on every view of the page; keep it quick. An implementation that raises or
    returns something else leaves a calm note in place of its card, and the error is
    recorded for the site admin.
    """


@hookspec
def portal_response_submitted(run, response, partnership, respondent):
    """Called after someone submitted a response to a run (in the same request).

    `run` is a RunInfo, `partnership` a PartnershipInfo, `response` a ResponseSummary
    (`answered`: question ids; `answers`: {question id: value}, empty for anonymous
    runs) and `respondent` the UserInfo — or None when the run is anonymous: an
    anonymous answer must stay unlinkable, so plugins never learn who gave it, nor what
    was given in the respondent's own request.
    """


@hookspec
def portal_results_panels(instrument, run, partnership, results):
    """Return ResultsPanel records (or a list) for the results page of a run.

    Called for every run whose results the viewer may see — never while an anonymous run
    is below its threshold — so check `instrument.id` and return None for runs of other
    instruments. `instrument` is the installed Instrument, `run` a RunInfo, `partnership`
    a PartnershipInfo and `results` the run's Results (the same record `score` gets).
    `body` is HTML: render it with `flask.render_template`. Panels are sorted by weight,
    then title; a raising implementation is skipped and the page renders.
    """


@hookspec
def portal_calendar_events(partnership, user, start, end):
    """Return CalendarEvent records (or a list) for what falls due in a partnership on a
    day from `start` up to, not including, `end` (dates).

    `partnership` is a PartnershipInfo and `user` the UserInfo of the person whose
    calendar is built (the page's reader, or the owner of a calendar feed): return what
    concerns everyone in the partnership, and may add what concerns that person alone.
    Called for the calendar page and for every read of a feed; a raising implementation
    is skipped and the calendar shows the rest.
    """


@hookspec
def portal_review_agenda_points(partnership, user):
    """Return AgendaPoint records (or a list) for the agenda of a new sponsor or business
    review, after the portal's own pre-filled points (results, actions, expectations,
    agreement, contract dates).

    `partnership` is a PartnershipInfo and `user` the UserInfo of the person who
    schedules the review (or refreshes its agenda before it starts). Return None when
    there is nothing to report; a raising implementation is skipped and the agenda is
    made without its point.
    """


@hookspec
def portal_run_opened(run, partnership, user):
    """Called once when a run has been opened, right after it is stored.

    `run` is a RunInfo, `partnership` a PartnershipInfo and `user` the UserInfo of the
    person who opened it (None when a command or the demo did). Check `run.instrument_id`
    and return nothing; use it to keep what was true when the run opened (the 4 I's
    audit stores its evidence here). A raising implementation is skipped and recorded;
    the run stays open.
    """


@hookspec
def portal_audit_evidence(partnership, start, end):
    """Return Evidence records (or a list) for the 4 I's audit of a partnership, about
    the period from `start` to `end` (dates, both included).

    `partnership` is a PartnershipInfo. Each record names its I (Integrity, Integration,
    Insights or Impact), says what the data shows in one sentence with its figure, and
    links to the page it comes from. Called when an audit opens (the lines are stored as
    they are then); a raising implementation is skipped and the audit opens without it.
    """


@hookspec
def portal_prefilled_answers(run, partnership, user):
    """Return PrefilledAnswer records (or a list) to pre-fill a run's answer form.

    Called when `user` (a UserInfo) opens the answer form of `run` (a RunInfo) in
    `partnership` (a PartnershipInfo). An answer pre-fills only a question the person
    has not answered in a saved draft, and they can change it before submitting.
    Never called for anonymous runs: what is pre-filled for a person would tie them to it.
    """


@hookspec
def portal_health_measures(partnership, on):
    """Return HealthMeasure records (or a list) for a partnership's health score on the
    day `on` (a date), beside the portal's own measures.

    `partnership` is a PartnershipInfo. Called when the score of the month is worked out
    again (after something changed in the partnership, and once a day), not on every
    page view; a raising implementation is skipped and the score is made without it.
    """
