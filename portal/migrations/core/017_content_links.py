"""Links between library items, stored as `../slug`, led out of the library (an item at
/partnerships/1/library/a linked to /partnerships/1/b, a 404). They are now stored as
`slug`, relative to the item's own address; this step rewrites the HTML already stored,
for items from content/ and items written in the portal alike."""

OLD, NEW = 'href="../', 'href="'


def migrate(migrator, database, *, fake=False):
    migrator.sql(f"UPDATE content_item SET html = REPLACE(html, '{OLD}', '{NEW}') "
                 f"WHERE html LIKE '%{OLD}%'")


def rollback(migrator, database, *, fake=False):
    """Nothing to undo: the old form of the links was the fault."""
