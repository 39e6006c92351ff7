"""One view per person, item and day (issue 12): the lookup that decides whether an
article visit is a new view reads this index instead of the day's visits of everyone."""


def migrate(migrator, database, *, fake=False):
    migrator.add_index("item_view", "user", "item", "at")


def rollback(migrator, database, *, fake=False):
    migrator.drop_index("item_view", "user", "item", "at")
