"""Invitations (supplier selection with suppliers not yet in the portal): a link that lets
someone without an account join an organization and a partnership. Only a hash of the
link's token is stored; the mail that carried it is remembered, so that the person sees
it on their mail page once they have an account."""
import peewee as pw


def migrate(migrator, database, *, fake=False):
    @migrator.create_model
    class Invitation(pw.Model):
        id = pw.AutoField()
        token_hash = pw.CharField(max_length=64, unique=True)
        email = pw.CharField(max_length=254, index=True)
        name = pw.CharField(max_length=120)
        organization = pw.ForeignKeyField(column_name="organization_id", field="id",
                                          model=migrator.orm["organization"], on_delete="CASCADE")
        org_role = pw.CharField(max_length=16, default="member")
        partnership = pw.ForeignKeyField(column_name="partnership_id", field="id",
                                         model=migrator.orm["partnership"], null=True,
                                         on_delete="CASCADE")
        role = pw.CharField(max_length=16, default="member")
        invited_by = pw.ForeignKeyField(column_name="invited_by_id", field="id",
                                        model=migrator.orm["user"], null=True, on_delete="SET NULL")
        created_at = pw.DateTimeField()
        expires_at = pw.DateTimeField()
        accepted_at = pw.DateTimeField(null=True)
        accepted_by = pw.ForeignKeyField(column_name="accepted_by_id", field="id",
                                         model=migrator.orm["user"], null=True,
                                         on_delete="SET NULL", backref="accepted_invitations")
        withdrawn_at = pw.DateTimeField(null=True)
        mail = pw.ForeignKeyField(column_name="mail_id", field="id", model=migrator.orm["mail"],
                                  null=True, on_delete="SET NULL")

        class Meta:
            table_name = "invitation"


def rollback(migrator, database, *, fake=False):
    migrator.remove_model("invitation")
