"""Reading measurements from a CSV file: all rows are stored or none.

The columns are metric, date, value, source and note (a unit column may be added and
must then match the metric's unit). Every bad row is reported with its line number, so
the file can be fixed in one go and uploaded again. Values are read as the forms read
them (`finite_number`): ASCII digits, finite, within a metric's range.
"""
import csv
import datetime
import io

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
        return [], [(None, "The file is not UTF-8 text. Save it as CSV (UTF-8) and try again.")]
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        return [], [(1, f"The file could not be read as CSV: {exc}.")]
    if not header or not any(h.strip() for h in header):
        return [], [(None, "The file is empty. The first line must name the columns: "
                           + ",".join(CSV_COLUMNS) + ".")]
    header = [h.strip().lower() for h in header]
    missing = [c for c in CSV_COLUMNS if c not in header]
    unexpected = [c for c in header if c not in CSV_COLUMNS + CSV_OPTIONAL]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if missing or unexpected or duplicated:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(missing))
        if unexpected:
            parts.append("unexpected " + ", ".join(c or "(blank)" for c in unexpected))
        if duplicated:
            parts.append("repeated " + ", ".join(duplicated))
        return [], [(1, "Wrong columns (" + "; ".join(parts) + "). The first line must be "
                        + ",".join(CSV_COLUMNS) + " (a unit column may be added).")]
    metrics = {m.name.strip().lower(): m for m in Metric.select().where(Metric.program == program)}
    rows, errors = [], []
    try:
        for line, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(rows) + len(errors) >= MAX_CSV_ROWS:
                errors.append((line, f"Too many rows: import at most {MAX_CSV_ROWS} at a time."))
                break
            if len(cells) != len(header):
                errors.append((line, f"Expected {len(header)} values, found {len(cells)}."))
                continue
            record = {k: v.strip() for k, v in zip(header, cells)}
            problems = []
            metric = metrics.get(record["metric"].lower())
            if not record["metric"]:
                problems.append("The metric is empty.")
            elif metric is None:
                problems.append(f"No metric called \u201c{record['metric']}\u201d in this program.")
            try:
                measured_on = datetime.date.fromisoformat(record["date"])
            except ValueError:
                measured_on = None
                problems.append(f"\u201c{record['date']}\u201d is not a date (use YYYY-MM-DD).")
            value = finite_number(record["value"])
            if value is None or abs(value) >= MAX_VALUE:
                value = None
                problems.append(f"\u201c{record['value']}\u201d is not a number.")
            unit = record.get("unit", "")
            if metric is not None and unit and unit.lower() != metric.unit.strip().lower():
                problems.append(f"Unit \u201c{unit}\u201d does not match the metric's unit "
                                f"\u201c{metric.unit}\u201d.")
            if len(record["source"]) > 120:
                problems.append("The source is longer than 120 characters.")
            if problems:
                errors.append((line, " ".join(problems)))
            else:
                rows.append({"metric": metric, "measured_on": measured_on, "value": value,
                             "source": record["source"], "note": record["note"]})
    except csv.Error as exc:
        errors.append((reader.line_num, f"The file could not be read as CSV: {exc}."))
    if not rows and not errors:
        errors.append((None, "The file has a header but no measurements."))
    return ([], errors) if errors else (rows, [])
