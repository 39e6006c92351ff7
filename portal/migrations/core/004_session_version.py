"""Sessions that can be ended, and logins throttled per device (issue 11).

`user.session_version` is part of every session and remember-me cookie (Flask-Login's
alternative token, "<user id>:<version>"): changing the password or "Log out
everywhere" raises it, and every session and remember-me cookie made before stops
loading anyone. Every existing user starts at version 1; sessions from before this
step carry no version and end once, so everyone logs in again after the upgrade.

`login_attempt.device` is the nonce of the device cookie a failed attempt presented
for its account (OWASP's "device cookies"): NULL for an untrusted client. Trusted
devices are counted apart from everyone else, so a guesser cannot lock out a person
who logs in from a browser that logged in before.
"""
import peewee as pw


def migrate(migrator, database, *, fake=False):
    sqlite = isinstance(getattr(database, "obj", database), pw.SqliteDatabase)
    if sqlite:
        # peewee's SqliteMigrator makes a NOT NULL column by rebuilding the table; inside
        # the step's transaction foreign keys stay on, and dropping the old "user" table
        # would cascade into every table that refers to it. SQLite's own ALTER TABLE adds
        # the column in place, filled with 1; the migrator is only told of the field.
        with migrator.fake():
            migrator.add_fields("user", session_version=pw.IntegerField(default=1))
        migrator.sql('ALTER TABLE "user" ADD COLUMN "session_version" INTEGER NOT NULL DEFAULT 1')
    else:
        # Added as NULL, set to 1 in every row, then NOT NULL: no default stays behind,
        # as a table made from the model has none.
        migrator.add_fields("user", session_version=pw.IntegerField(default=1))

    migrator.add_fields("login_attempt", device=pw.CharField(index=True, max_length=64, null=True))


def rollback(migrator, database, *, fake=False):
    migrator.drop_index("login_attempt", "device")
    migrator.remove_fields("login_attempt", "device")
    migrator.remove_fields("user", "session_version")
