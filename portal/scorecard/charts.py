"""The Health tab's charts as server-rendered SVG (no chart JavaScript).

A trend's y axis runs over the whole scale, 0 to 100, with ticks at 0, 25, 50, 75 and
100, so a small move does not look like a collapse; a month without data is a gap in
the line, never a point at 0. Colours are presentation attributes (the CSP forbids
inline style); every chart has a <title> and an aria-label, and the page carries the
same values in a visually hidden table.
"""
from flask_babel import gettext as _
from markupsafe import Markup, escape

from portal.charts import PALETTE
from portal.scorecard.bands import BANDS
from portal.layout import dated

TICKS = (0, 25, 50, 75, 100)


def _svg(width, height, label, body, css="chart", size="100%"):
    return Markup(
        f'<svg class="{css}" viewBox="0 0 {width} {height}" width="{size}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, sans-serif" font-size="13">'
        f"<title>{escape(label)}</title>{body}</svg>")


def month_label(period):
    return dated(period, "%b %Y")


def runs_of(values):
    """The unbroken stretches of (index, value) between months without data."""
    stretch, out = [], []
    for i, value in enumerate(values):
        if value is None:
            if stretch:
                out.append(stretch)
            stretch = []
        else:
            stretch.append((i, value))
    if stretch:
        out.append(stretch)
    return out


def month_trend(periods, values, label, colour=None):
    """A line over months on a 0-100 axis; `values` has None for a month without data."""
    colour = colour or PALETTE["bar"]
    left, right, top, bottom, width, height = 44, 16, 12, 40, 760, 250
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(periods) - 1)

    def y(value):
        return top + (100 - value) / 100 * plot_h

    def x(i):
        return left + i * step if len(periods) > 1 else left + plot_w / 2

    parts = []
    for tick in TICKS:
        parts.append(f'<line class="axis-tick" x1="{left}" y1="{y(tick):.1f}" x2="{left + plot_w}" '
                     f'y2="{y(tick):.1f}" stroke="{PALETTE["grid"]}"/>'
                     f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" '
                     f'fill="{PALETTE["muted"]}" data-tick="{tick}">{tick}</text>')
    for lowest, _key, band in BANDS[:-1]:  # where each band starts, dashed
        title = _("%(band)s from %(score)s", band=band, score=format(lowest, "g"))
        parts.append(f'<line x1="{left}" y1="{y(lowest):.1f}" x2="{left + plot_w}" y2="{y(lowest):.1f}" '
                     f'stroke="{PALETTE["muted"]}" stroke-dasharray="4 4"><title>{escape(title)}'
                     '</title></line>')
    for i, period in enumerate(periods):
        parts.append(f'<text x="{x(i):.1f}" y="{height - 20}" text-anchor="middle" '
                     f'fill="{PALETTE["muted"]}" font-size="11">{period:%b}</text>')
        if i == 0 or period.month == 1:
            parts.append(f'<text x="{x(i):.1f}" y="{height - 6}" text-anchor="middle" '
                         f'fill="{PALETTE["muted"]}" font-size="11">{period:%Y}</text>')
    for stretch in runs_of(values):
        if len(stretch) > 1:
            points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in stretch)
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        for i, value in stretch:
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="4" fill="{colour}">'
                         f'<title>{month_label(periods[i])}: {value:.0f}</title></circle>')
    return _svg(width, height, label, "".join(parts))


def sparkline(points, label, target=None):
    """A small line of a benefit's values (oldest first), with its target dashed.
    points: [(date, value)]."""
    if not points:
        return Markup("")
    width, height, pad = 160, 40, 4
    values = [v for _, v in points] + ([target] if target is not None else [])
    low, high = min(values), max(values)
    if high == low:
        low, high = low - 1, high + 1

    def y(value):
        return pad + (high - value) / (high - low) * (height - 2 * pad)

    step = (width - 2 * pad) / max(1, len(points) - 1)
    coords = [(pad + i * step if len(points) > 1 else width / 2, y(v)) for i, (_, v) in enumerate(points)]
    parts = []
    if target is not None:
        parts.append(f'<line x1="{pad}" y1="{y(target):.1f}" x2="{width - pad}" y2="{y(target):.1f}" '
                     f'stroke="{PALETTE["muted"]}" stroke-dasharray="3 3"/>')
    if len(coords) > 1:
        parts.append('<polyline points="' + " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
                     + f'" fill="none" stroke="{PALETTE["bar"]}" stroke-width="2"/>')
    cx, cy = coords[-1]
    parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" fill="{PALETTE["bar"]}"/>')
    return _svg(width, height, label, "".join(parts), css="sparkline", size=str(width))
