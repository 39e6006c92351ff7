"""Charts (issue 14): nice ticks, an axis from a scale's minimum to its maximum, one
unit per chart, labels that fit, and the values in a table for screen readers."""
import re

import pytest

from portal import charts
from portal.instruments import trend_charts


def ticks_of(svg):
    """The y-axis labels: text anchored at the end, left of the plot."""
    return re.findall(r'<text x="50" y="[\d.]+" text-anchor="end" fill="[^"]+">([^<]+)</text>', str(svg))


@pytest.mark.parametrize("low, high, expected", [
    (3.55, 3.8, [3.55, 3.6, 3.65, 3.7, 3.75, 3.8]),
    (1, 5, [1, 2, 3, 4, 5]),
    (0, 100, [0, 20, 40, 60, 80, 100]),
    (0, 17, [0, 5, 10, 15, 20]),
    (53, 80, [50, 60, 70, 80]),
    (-0.4, 0.3, [-0.4, -0.2, 0, 0.2, 0.4]),
    (7, 7, [7, 7.2, 7.4, 7.6, 7.8, 8]),
])
def test_ticks_are_nice_steps_covering_the_values(low, high, expected):
    assert charts.nice_ticks(low, high) == pytest.approx(expected)


def test_a_scale_axis_runs_from_its_minimum_to_its_maximum():
    svg = charts.trend_lines(["Spring", "Autumn"], {"Overall": [3.55, 3.8]}, "Survey", low=1, high=5)
    assert ticks_of(svg) == ["1", "2", "3", "4", "5"]  # a 0.25 change no longer fills it
    ys = [float(y) for y in re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)"', str(svg))]
    assert 0 < ys[0] - ys[1] < 20  # 0.25 of 4 points is a small step on a 180-unit axis


def test_counts_start_at_zero_and_the_values_are_in_a_table():
    svg = str(charts.trend_lines(["Run 1", "Run 2"], {"Items in place": [6, 8]}, "PRM"))
    assert ticks_of(svg)[0] == "0" and ticks_of(svg)[-1] in ("8", "10")
    table = svg[svg.index('<table class="visually-hidden">'):]
    assert "<caption>PRM</caption>" in table
    assert '<th scope="row">Run 1</th><td>6</td>' in table and '<th scope="row">Run 2</th><td>8</td>' in table


def test_no_two_units_share_an_axis():
    """The PRM's count of items and its share of yes answers; a survey's averages and a
    gap between the sides: each unit gets its own chart."""
    found = trend_charts.groups({"Items in place": [6, 8], "Yes answers (%)": [53.3, 80.0]}, None)
    assert [(low, high, list(values)) for _s, low, high, _u, values in found] == [
        (0, 100, ["Yes answers (%)"]), (None, None, ["Items in place"])]
    found = trend_charts.groups({"Overall": [3.5, 3.8], "Trust": [3.2, 4.0],
                                 "Gap (supplier - client)": [0.4, -0.2]}, (1, 5))
    assert [(low, high, list(values)) for _s, low, high, _u, values in found] == [
        (1, 5, ["Overall", "Trust"]), (None, None, ["Gap (supplier - client)"])]


def test_a_narrow_chart_labels_only_what_fits_and_always_the_last_point():
    labels = [f"{d:02d} Jan 2026" for d in range(1, 13)]
    svg = str(charts.trend_lines(labels, {"Quiz": list(range(12))}, "Quiz", width=520))
    shown = re.findall(r"<title>(\d\d Jan 2026)</title>", svg)
    assert 2 <= len(shown) <= 4 and shown[-1] == "12 Jan 2026"
    assert 'viewBox="0 0 520 240"' in svg
