"""Links between library items, stored as `../slug`, led out of the library (an item at
/partnerships/1/library/a linked to /partnerships/1/b, a 404). They are now stored as
`slug`, relative to the item's own address; this step rewrites the HTML already stored,
for items from content/ and items written in the portal alike."""

OLD, NEW = 'href="../', 'href="'


def migrate(migrator, database, *, fake=False):
    # No WHERE ... LIKE '%...%': the PostgreSQL driver reads a bare % as a parameter
    # marker; REPLACE leaves rows without the old form unchanged anyway.
    migrator.sql(f"UPDATE content_item SET html = REPLACE(html, '{OLD}', '{NEW}')")


def rollback(migrator, database, *, fake=False):
    """Nothing to undo: the old form of the links was the fault."""
