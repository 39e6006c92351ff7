"""URL converters shared by every blueprint, plugins' included."""
from werkzeug.routing import IntegerConverter

#: The largest id a row can have: PostgreSQL's INTEGER (SQLite's is wider). Ids typed
#: into forms are held to the same bound (portal.forms.database_id).
MAX_DATABASE_ID = 2**31 - 1


class DatabaseId(IntegerConverter):
    """`<int:…>` bounded to the database's INTEGER range.

    An id larger than any row could have is a plain 404, not an overflow error in the
    database driver (SQLite refuses values past 64 bits, PostgreSQL past 32).
    """

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_DATABASE_ID)
        super().__init__(map, *args, **kwargs)
