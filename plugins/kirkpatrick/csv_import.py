"""Reading measurements from a CSV file: all rows are stored or none.

The columns are metric, date, value, source and note (a unit column may be added and
must then match the metric's unit). Every bad row is reported with its line number, so
the file can be fixed in one go and uploaded again. Values are read as the forms read
them (`finite_number`): ASCII digits, finite, within a metric's range.
"""
import csv
import datetime
import io

from flask_babel import gettext as _

from portal import finite_number

from .models import Metric
from .tracking import MAX_VALUE

CSV_COLUMNS = ("metric", "date", "value", "source", "note")
CSV_OPTIONAL = ("unit",)
MAX_CSV_ROWS = 5000
MAX_CSV_BYTES = 1_000_000


def parse_csv(program, data):
    """(rows, errors): rows ready to store, or errors as [(line, message)]; never both."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [(None, _("The file is not UTF-8 text. Save it as CSV (UTF-8) and try again."))]
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        return [], [(1, _("The file could not be read as CSV: %(error)s.", error=exc))]
    if not header or not any(h.strip() for h in header):
        return [], [(None, _("The file is empty. The first line must name the columns: "
                             "%(columns)s.", columns=",".join(CSV_COLUMNS)))]
    header = [h.strip().lower() for h in header]
    missing = [c for c in CSV_COLUMNS if c not in header]
    unexpected = [c for c in header if c not in CSV_COLUMNS + CSV_OPTIONAL]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if missing or unexpected or duplicated:
        parts = []
        if missing:
            parts.append(_("missing %(columns)s", columns=", ".join(missing)))
        if unexpected:
            blank = _("(blank)")
            parts.append(_("unexpected %(columns)s",
                           columns=", ".join(c or blank for c in unexpected)))
        if duplicated:
            parts.append(_("repeated %(columns)s", columns=", ".join(duplicated)))
        return [], [(1, _("Wrong columns (%(problems)s). The first line must be %(columns)s "
                          "(a unit column may be added).", problems="; ".join(parts),
                          columns=",".join(CSV_COLUMNS)))]
    metrics = {m.name.strip().lower(): m for m in Metric.select().where(Metric.program == program)}
    rows, errors = [], []
    try:
        for line, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(rows) + len(errors) >= MAX_CSV_ROWS:
                errors.append((line, _("Too many rows: import at most %(max)d at a time.",
                                       max=MAX_CSV_ROWS)))
                break
            if len(cells) != len(header):
                errors.append((line, _("Expected %(expected)d values, found %(found)d.",
                                       expected=len(header), found=len(cells))))
                continue
            record = {k: v.strip() for k, v in zip(header, cells)}
            problems = []
            metric = metrics.get(record["metric"].lower())
            if not record["metric"]:
                problems.append(_("The metric is empty."))
            elif metric is None:
                problems.append(_("No metric called \u201c%(name)s\u201d in this program.",
                                  name=record["metric"]))
            try:
                measured_on = datetime.date.fromisoformat(record["date"])
            except ValueError:
                measured_on = None
                problems.append(_("\u201c%(text)s\u201d is not a date (use YYYY-MM-DD).",
                                  text=record["date"]))
            value = finite_number(record["value"])
            if value is None or abs(value) >= MAX_VALUE:
                value = None
                problems.append(_("\u201c%(text)s\u201d is not a number.", text=record["value"]))
            unit = record.get("unit", "")
            if metric is not None and unit and unit.lower() != metric.unit.strip().lower():
                problems.append(_("Unit \u201c%(unit)s\u201d does not match the metric's unit "
                                  "\u201c%(expected)s\u201d.", unit=unit, expected=metric.unit))
            if len(record["source"]) > 120:
                problems.append(_("The source is longer than 120 characters."))
            if problems:
                errors.append((line, " ".join(problems)))
            else:
                rows.append({"metric": metric, "measured_on": measured_on, "value": value,
                             "source": record["source"], "note": record["note"]})
    except csv.Error as exc:
        errors.append((reader.line_num, _("The file could not be read as CSV: %(error)s.",
                                          error=exc)))
    if not rows and not errors:
        errors.append((None, _("The file has a header but no measurements.")))
    return ([], errors) if errors else (rows, [])
