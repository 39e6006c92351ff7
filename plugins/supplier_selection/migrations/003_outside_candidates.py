"""Candidates not yet in the portal: a candidate is either a supplier organization in the
portal (`supplier_org_id`) or an organization named here with a contact person
(`name`, `contact_name`, `contact_email`), whose organization is created and whose
contact is invited when it is chosen. `supplier_org_id` may therefore be empty.

SQLite cannot drop a NOT NULL constraint in place, and peewee's SqliteMigrator would
rebuild the table: dropping the old one deletes, through ON DELETE CASCADE, every score
and moderated score of every candidate. SQLite's documented procedure for removing a
NOT NULL constraint edits the table's definition instead ("Making Other Kinds Of Table
Schema Changes" in its ALTER TABLE page): the rows stay as they are.
"""
import peewee as pw

TABLE = "supplier_selection_candidate"
NOT_NULL = '"supplier_org_id" INTEGER NOT NULL'
NULLABLE = '"supplier_org_id" INTEGER'


def _sqlite(database):
    return isinstance(getattr(database, "obj", database), pw.SqliteDatabase)


def _sqlite_definition(migrator, database, old, new):
    def edit():
        (sql,) = database.execute_sql("SELECT sql FROM sqlite_master WHERE type = 'table' "
                                      "AND name = ?", (TABLE,)).fetchone()
        if old not in sql:
            raise RuntimeError(f"{TABLE} is not defined as this step expects: {sql}")
        (version,) = database.execute_sql("PRAGMA schema_version").fetchone()
        database.execute_sql("PRAGMA writable_schema = ON")
        database.execute_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
                             (sql.replace(old, new, 1), TABLE))
        database.execute_sql(f"PRAGMA schema_version = {version + 1}")
        database.execute_sql("PRAGMA writable_schema = OFF")

    migrator.run(edit)


def migrate(migrator, database, *, fake=False):
    with migrator.fake():  # the migrator's own model of the table learns the change
        migrator.change_fields(TABLE, supplier_org_id=pw.IntegerField(null=True))
    if _sqlite(database):
        _sqlite_definition(migrator, database, NOT_NULL, NULLABLE)
    else:
        migrator.sql(f'ALTER TABLE "{TABLE}" ALTER COLUMN "supplier_org_id" DROP NOT NULL')
    fields = dict(name=pw.CharField(max_length=160, default=""),
                  contact_name=pw.CharField(max_length=120, default=""),
                  contact_email=pw.CharField(max_length=254, default=""))
    if _sqlite(database):
        # In place, as in core step 004: the migrator would rebuild the table for a
        # NOT NULL column.
        with migrator.fake():
            migrator.add_fields(TABLE, **fields)
        for column, field in fields.items():
            migrator.sql(f'ALTER TABLE "{TABLE}" ADD COLUMN "{column}" '
                         f"VARCHAR({field.max_length}) NOT NULL DEFAULT ''")
    else:
        migrator.add_fields(TABLE, **fields)


def rollback(migrator, database, *, fake=False):
    migrator.remove_fields(TABLE, "name", "contact_name", "contact_email")
    migrator.sql(f'DELETE FROM "{TABLE}" WHERE "supplier_org_id" IS NULL')
    with migrator.fake():
        migrator.change_fields(TABLE, supplier_org_id=pw.IntegerField())
    if _sqlite(database):
        _sqlite_definition(migrator, database, NULLABLE, NOT_NULL)
    else:
        migrator.sql(f'ALTER TABLE "{TABLE}" ALTER COLUMN "supplier_org_id" SET NOT NULL')
