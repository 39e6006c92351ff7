"""The public API for plugin authors: every name a plugin may use, in one module.

`from portal import …` re-exports exactly `__all__`; docs/plugins.md documents each
name, and tests/test_plugin_api_boundary.py fails when a plugin under `plugins/` or the
example plugin reaches for anything else (another module, an endpoint or template not
listed in PUBLIC_ENDPOINTS / PUBLIC_TEMPLATES, a model's `_meta`, `g.partnership`).
Nothing here is a peewee row: hooks and functions hand out the frozen records of
`portal.records`.
"""
from flask_login import login_required

from portal import charts
from portal.accounts.invitations import (
    InvitationError, InvitationInfo, create_organization, invitation_problem,
    invitations_of as partnership_invitations, invite as invite_person,
    renew as renew_invitation,
)
from portal.audit import record as record_audit
from portal.db import BaseModel as Model, write_transaction
from portal.exports import csv_response
from portal.forms import Form, database_id, finite_number, first_error
from portal.instruments.api import (
    Flag, Instrument, InstrumentError, Interpretation, ItemResult, Question, Results, ResultsPanel,
    instrument_from_toml,
)
from portal.instruments.evidence import audit_evidence
from portal.instruments.results import instrument_runs, results_for_run
from portal.instruments.translated_text import load_toml, missing_translations
from portal.partnerships.access import partnership_blueprint, requires_role
from portal.plugins.api import (
    FOUR_IS, AgendaPoint, CalendarEvent, DashboardCard, Evidence, HealthMeasure, NavItem,
    PrefilledAnswer,
)
from portal.plugins.hookspecs import hookimpl
from portal.plugins.services import (
    action_plan_url, create_partnership, current_membership, current_organization,
    current_partnership, instruments_url, logged_in_user, new_run_url, organizations,
    partnership_url, respond_url, role_at_least, run_url,
)
from portal.records import (
    MembershipInfo, OrganizationInfo, PartnershipInfo, ResponseSummary, RunInfo, UserInfo,
)
from portal.layout import dated, decimal
from portal.rendering import render

#: Templates a plugin may extend, include or import.
PUBLIC_TEMPLATES = {
    "base.html": "the page layout: header, navigation, flashes; fill `title` and `content`",
    "partnerships/_layout.html": "a partnership page with its tabs; fill `page_title` and "
                                 "`partnership_content`",
    "_forms.html": "form macros: `field(form.x)` (label, control, hint, errors) and "
                   "`csrf_field()` (the hidden CSRF input every POST form needs)",
}

#: Endpoints a plugin may link to with url_for (the URL builders above cover the rest).
PUBLIC_ENDPOINTS = {
    "partnerships.index": "the list of the user's partnerships",
    "partnerships.show": "a partnership's overview (partnership_id)",
    "instruments.index": "a partnership's instruments (partnership_id)",
    "instruments.new_run": "open a run (partnership_id, instrument_id)",
    "instruments.run": "a run's results (partnership_id, run_id)",
    "instruments.respond": "a run's answer form (partnership_id, run_id)",
    "actions.index": "a partnership's action plan (partnership_id)",
    "auth.login": "the login page",
}

__all__ = [
    # hooks and the records they exchange
    "hookimpl", "NavItem", "DashboardCard", "CalendarEvent", "AgendaPoint", "HealthMeasure",
    "UserInfo", "OrganizationInfo", "PartnershipInfo", "MembershipInfo", "RunInfo",
    "ResponseSummary", "Evidence", "PrefilledAnswer", "FOUR_IS",
    # instruments
    "Instrument", "Question", "Flag", "Interpretation", "ItemResult", "Results",
    "InstrumentError", "instrument_from_toml", "ResultsPanel", "results_for_run",
    "instrument_runs", "audit_evidence", "load_toml", "missing_translations",
    # storing data, reading forms
    "Model", "write_transaction", "Form", "first_error", "database_id", "finite_number",
    # pages
    "render", "dated", "decimal", "csv_response", "partnership_blueprint", "requires_role", "role_at_least", "login_required", "charts", "record_audit",
    "logged_in_user", "current_partnership", "current_membership", "current_organization",
    "organizations", "create_partnership",
    # people not yet in the portal
    "create_organization", "invite_person", "renew_invitation", "partnership_invitations",
    "invitation_problem", "InvitationInfo", "InvitationError",
    "partnership_url", "instruments_url", "new_run_url", "run_url", "respond_url",
    "action_plan_url",
    "PUBLIC_TEMPLATES", "PUBLIC_ENDPOINTS",
]
