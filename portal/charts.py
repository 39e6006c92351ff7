"""Charts as server-rendered SVG: no chart JavaScript, readable without colour alone.

Colours come from presentation attributes (the CSP forbids inline style); every chart
has a <title> and an aria-label, and values are printed beside the marks.
"""
import math

from flask_babel import gettext
from markupsafe import Markup, escape

from portal.layout import decimal

PALETTE = {"bar": "#1f5fa8", "flag": "#b42318", "client": "#1f5fa8", "supplier": "#0f7b6c",
           "grid": "#d8dee6", "text": "#1b2430", "muted": "#5a6676"}
SERIES = ["#1f5fa8", "#0f7b6c", "#b7791f", "#7b3fa8", "#b42318", "#2b6cb0"]


def _short(text, limit=46):
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _svg(width, height, label, body):
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, sans-serif" font-size="13">'
        f"<title>{escape(label)}</title>{body}</svg>")


def mean_bars(rows, label, low=1.0, high=5.0, threshold=None):
    """Horizontal bars of averages. rows: [(label, mean or None, flagged)]."""
    left, width, row_h = 350, 800, 30
    plot = width - left - 50
    height = row_h * len(rows) + 30
    parts = []
    for tick in range(int(low), int(high) + 1):
        x = left + (tick - low) / (high - low) * plot
        parts.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 24}" stroke="{PALETTE["grid"]}"/>'
                     f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" fill="{PALETTE["muted"]}">{tick}</text>')
    if threshold is not None:
        x = left + (threshold - low) / (high - low) * plot
        parts.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 24}" '
                     f'stroke="{PALETTE["flag"]}" stroke-dasharray="4 3"/>')
    for i, (name, mean, flagged) in enumerate(rows):
        y = i * row_h + 4
        parts.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end" fill="{PALETTE["text"]}">'
                     f'<title>{escape(name)}</title>{escape(_short(name))}</text>')
        if mean is None:
            parts.append(f'<text x="{left + 4}" y="{y + 16}" fill="{PALETTE["muted"]}">{escape(gettext("no answers"))}</text>')
            continue
        w = max(2.0, (mean - low) / (high - low) * plot)
        colour = PALETTE["flag"] if flagged else PALETTE["bar"]
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="18" rx="3" fill="{colour}"/>'
                     f'<text x="{left + w + 6:.1f}" y="{y + 16}" fill="{PALETTE["text"]}">{decimal(mean, 2)}</text>')
    return _svg(width, height, label, "".join(parts))


def side_bars(rows, label, low=1.0, high=5.0):
    """Client and supplier averages side by side. rows: [(label, client, supplier)]."""
    left, width, row_h = 350, 800, 42
    plot = width - left - 50
    height = row_h * len(rows) + 40
    parts = [f'<rect x="{left}" y="{height - 18}" width="12" height="12" fill="{PALETTE["client"]}"/>'
             f'<text x="{left + 18}" y="{height - 8}" fill="{PALETTE["text"]}">{escape(gettext("Client"))}</text>'
             f'<rect x="{left + 90}" y="{height - 18}" width="12" height="12" fill="{PALETTE["supplier"]}"/>'
             f'<text x="{left + 108}" y="{height - 8}" fill="{PALETTE["text"]}">{escape(gettext("Supplier"))}</text>']
    for i, (name, client, supplier) in enumerate(rows):
        y = i * row_h + 4
        parts.append(f'<text x="{left - 8}" y="{y + 20}" text-anchor="end" fill="{PALETTE["text"]}">'
                     f'<title>{escape(name)}</title>{escape(_short(name))}</text>')
        for j, (side, value) in enumerate((("client", client), ("supplier", supplier))):
            if value is None:
                continue
            w = max(2.0, (value - low) / (high - low) * plot)
            yy = y + 2 + j * 16
            parts.append(f'<rect x="{left}" y="{yy}" width="{w:.1f}" height="14" rx="2" fill="{PALETTE[side]}"/>'
                         f'<text x="{left + w + 6:.1f}" y="{yy + 12}" fill="{PALETTE["text"]}">{decimal(value, 2)}</text>')
    return _svg(width, height, label, "".join(parts))


#: Low to high answers: red, orange, grey, light blue, blue (exactly these on a 1–5 scale).
SHADES = ["#b42318", "#e07b39", "#c9c9c9", "#6a9fd4", "#1f5fa8"]


def _mix(a, b, share):
    ca, cb = (tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in (a, b))
    return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in zip(ca, cb))


def shades(count):
    """`count` colours from low (red) to high (blue), for any number of answer values."""
    if count == 2:
        return [SHADES[0], SHADES[-1]]
    if count <= 1:
        return SHADES[-1:] * count
    out = []
    for i in range(count):
        position = i * (len(SHADES) - 1) / (count - 1)
        low = min(int(position), len(SHADES) - 2)
        out.append(_mix(SHADES[low], SHADES[low + 1], position - low))
    return out


def _light(colour):
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.299 * red + 0.587 * green + 0.114 * blue > 150


def distribution(counts, values, label):
    """One stacked bar of how many gave each answer, each part named underneath.

    values: [(value, name)] from the lowest answer to the highest (a scale's declared
    points, or no/yes), so a 0-10 scale gets eleven shades from red to blue.
    """
    total = sum(counts.get(v, 0) for v, _ in values) or 1
    width, x = 320, 0.0
    parts = []
    for (value, name), shade in zip(values, shades(len(values))):
        n = counts.get(value, 0)
        if not n:
            continue
        w = n / total * width
        parts.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="20" fill="{shade}">'
                     f'<title>{escape(name)}: {n}</title></rect>')
        if w > 22:
            ink = PALETTE["text"] if _light(shade) else "#fff"
            parts.append(f'<text x="{x + w / 2:.1f}" y="15" text-anchor="middle" fill="{ink}" '
                         f'font-size="12">{n}</text>')
        name = _short(name, 12)
        if w > 7 * len(name) + 4:
            parts.append(f'<text x="{x + w / 2:.1f}" y="33" text-anchor="middle" '
                         f'fill="{PALETTE["muted"]}" font-size="11">{escape(name)}</text>')
        x += w
    return _svg(width, 36, label, "".join(parts))


def nice_ticks(low, high, most=6):
    """Ticks at a "nice" step (1, 2, 2.5 or 5 times a power of ten) from a multiple of
    the step at or below `low` to one at or above `high`, at most `most` of them: an
    axis reads 3.5, 3.75, 4, never 3.6125."""
    if high < low:
        low, high = high, low
    if high == low:
        high = low + 1
    span = high - low
    for power in range(math.floor(math.log10(span)) - 1, math.floor(math.log10(span)) + 2):
        for factor in (1, 2, 2.5, 5):
            step = factor * 10 ** power
            first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
            if last - first + 1 <= most:
                return [round(k * step, 10) for k in range(first, last + 1)]
    return [low, high]


def _number(value):
    """An axis tick or a table's value, in the reader's language ("2.5", "2,5")."""
    return decimal(value) if abs(value) >= 1e-9 else "0"


def values_table(labels, series, caption):
    """The numbers of a chart as a table only screen readers read."""
    head = "".join(f'<th scope="col">{escape(name)}</th>' for name in series)
    rows = "".join(
        f'<tr><th scope="row">{escape(labels[i])}</th>'
        + "".join(f"<td>{'' if vs[i] is None else _number(round(vs[i], 2))}</td>" for vs in series.values())
        + "</tr>" for i in range(len(labels)))
    return (f'<table class="visually-hidden"><caption>{escape(caption)}</caption>'
            f'<thead><tr><th scope="col">{escape(gettext("When"))}</th>{head}</tr></thead><tbody>{rows}</tbody></table>')


def trend_lines(labels, series, label, low=None, high=None, unit="", width=760):
    """Lines over runs or dates. labels: one per point; series: {name: [value or None]}.

    One unit per chart: give `low` and `high` for a scale (the axis runs from the
    scale's minimum to its maximum), else the axis takes nice bounds around the values.
    The values follow in a table for screen readers. `width` is the drawing's width in
    the units of its 13-unit text: give the width it is shown at (520 in a half-width
    column), so the text is not shrunk to nothing.
    """
    values = [v for vs in series.values() for v in vs if v is not None]
    if not values or len(labels) < 1:
        return Markup("")
    if low is not None and high is not None:
        ticks = nice_ticks(low, high)
        ticks = [t for t in ticks if low - 1e-9 <= t <= high + 1e-9]
        low_axis, high_axis = low, high
    else:
        # Counts and shares start at 0, so a change from 6 to 8 does not fill the chart.
        floor = low if low is not None else (0 if min(values) >= 0 else min(values))
        ticks = nice_ticks(min(values + [floor]), max(values))
        low_axis, high_axis = ticks[0], ticks[-1]
    if high_axis == low_axis:
        high_axis = low_axis + 1
    left, height, top, bottom = 56, 240, (32 if unit else 14), 44
    plot_w, plot_h = width - left - 150, height - top - bottom
    step = plot_w / max(1, len(labels) - 1)

    def xy(i, v):
        return (left + (i * step if len(labels) > 1 else plot_w / 2),
                top + (high_axis - v) / (high_axis - low_axis) * plot_h)

    parts = []
    if unit:
        parts.append(f'<text x="8" y="{top - 16}" text-anchor="start" font-size="12" '
                     f'fill="{PALETTE["muted"]}">{escape(unit)}</text>')
    for v in ticks:
        y = top + (high_axis - v) / (high_axis - low_axis) * plot_h
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{PALETTE["grid"]}"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{PALETTE["muted"]}">{_number(v)}</text>')
    # As many labels under the axis as fit (about 90 units each), the last always.
    every = max(1, math.ceil(len(labels) / max(2, plot_w // 90)))
    for i, name in enumerate(labels):
        if i % every and i != len(labels) - 1:
            continue
        x, _ = xy(i, low_axis)
        anchor = "start" if i == 0 and len(labels) > 1 else (
            "end" if i == len(labels) - 1 and len(labels) > 1 else "middle")
        parts.append(f'<text x="{x:.1f}" y="{height - 22}" text-anchor="{anchor}" fill="{PALETTE["muted"]}">'
                     f'<title>{escape(name)}</title>{escape(_short(name, 26))}</text>')
    for n, (name, vs) in enumerate(series.items()):
        colour = SERIES[n % len(SERIES)]
        points = [xy(i, v) for i, v in enumerate(vs) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        for (x, y), v in zip(points, [v for v in vs if v is not None]):
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"><title>{escape(name)}: {v:.2f}</title></circle>')
        ly = top + 14 + n * 18
        parts.append(f'<rect x="{left + plot_w + 16}" y="{ly - 10}" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{left + plot_w + 34}" y="{ly}" fill="{PALETTE["text"]}">{escape(_short(name, 16))}</text>')
    return _svg(width, height, label, "".join(parts)) + Markup(values_table(labels, series, label))
