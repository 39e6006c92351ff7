"""CSV downloads: one way for every export, safe to open in a spreadsheet.

A cell a person typed can start with `=`, `+`, `-` or `@`, which Excel and LibreOffice run
as a formula (`=HYPERLINK(…)` from a profile name, say): such text cells get a leading
apostrophe (OWASP's advice for CSV injection). Numbers stay numbers. Exports hold what
only members may read, so no browser or proxy may keep a copy (`Cache-Control: no-store`).
"""
import csv
import io

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """A value as a CSV cell a spreadsheet will not run."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(filename, header, rows):
    """A CSV attachment of `rows` under `header`, every cell through `cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([cell(name) for name in header])
    writer.writerows([cell(value) for value in row] for row in rows)
    return Response(buffer.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    })
