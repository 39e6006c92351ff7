"""One template per page; htmx requests get the block they asked for, not a copy."""
from flask import render_template
from htmx_flask import request
from jinja2_fragments.flask import render_block


def is_htmx():
    """Whether this request came from htmx (the one test the portal uses for it)."""
    return bool(request.htmx)


def render(template, block=None, status=200, **context):
    """Render a full page, or only `block` of it for a non-boosted htmx request.

    A boosted request (hx-boost) or a normal GET gets the whole document, so every URL
    also works as a plain page load, a deep link and after the back button.
    """
    if block and is_htmx() and not request.htmx.boosted:
        return render_block(template, block, **context), status
    return render_template(template, **context), status
