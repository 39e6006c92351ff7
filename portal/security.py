"""CSRF, security headers, the client's address and the reverse proxies the portal
believes. Login throttling, which counts failures per address, is in
portal/accounts/throttle.py."""
from flask import request
from flask_wtf.csrf import CSRFProtect, generate_csrf
from werkzeug.middleware.proxy_fix import ProxyFix

csrf = CSRFProtect()

# No inline script anywhere: htmx is configured from a <meta> tag and the portal's few
# behaviours live in /static/portal.js. htmx's indicator styles are turned off in that
# config so style-src needs no 'unsafe-inline' either.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


#: Sent with every answer, unless its view set the header itself.
SECURITY_HEADERS = [
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
]


def set_security_headers(response):
    """The headers a view did not set, added in one pass: Werkzeug's `setdefault` scans
    the list and raises a KeyError for each missing one, 19 µs of every answer against
    5 (issue 12)."""
    headers = response.headers
    wanted = list(SECURITY_HEADERS)
    if request.is_secure:
        wanted.append(("Strict-Transport-Security", "max-age=31536000"))
    if response.mimetype == "text/html":
        wanted.append(("Cache-Control", "no-store"))
    present = {name.lower() for name, _ in headers}
    headers.extend([(name, value) for name, value in wanted if name.lower() not in present])
    return response


def held_token(content, token):
    """`token` as kept `content` (bytes or text) holds it, or None when it holds none.

    A page or part kept as drawn holds the CSRF token of the request that drew it; kept
    pages (portal/page_cache.py) and kept parts (portal/fragments.py) note it here and
    swap it with `with_current_token` whenever they serve the content again."""
    held = token.encode() if isinstance(content, bytes) else token
    return held if held in content else None


def with_current_token(content, held):
    """Kept `content` with the token it was drawn with replaced by this request's own."""
    if held is None:
        return content
    current = generate_csrf()
    return content.replace(held, current.encode() if isinstance(content, bytes) else current)


def client_ip():
    """The client's address: the proxy's own unless `trust_proxies` believes its header."""
    return request.remote_addr or "unknown"


def init_app(app):
    csrf.init_app(app)
    app.after_request(set_security_headers)


def trust_proxies(app):
    """Believe X-Forwarded-For/-Proto/-Host/-Port/-Prefix from the configured proxies.

    Behind a reverse proxy every request arrives from the proxy's address over plain
    HTTP: the per-address login limit would then throttle all users together, and HSTS
    would never be sent. Believing the headers without a proxy would let any client
    pick its own address and escape that limit, so PORTAL_TRUSTED_PROXIES (default 0)
    says how many proxies append to them: the client is the entry that many places
    from the right, and anything further left, which the client may have written
    itself, is ignored.
    """
    hops = app.config["PORTAL_TRUSTED_PROXIES"]
    if hops < 0:
        raise ValueError(f"PORTAL_TRUSTED_PROXIES must be 0 or more, got {hops}")
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,
                                x_port=hops, x_prefix=hops)
