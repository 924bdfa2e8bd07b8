"""On PostgreSQL the database itself refuses UPDATE and DELETE on the audit trail.

SQLite has no such guard that survives a determined user; there ``sori audit verify`` detects the
change instead (it does on PostgreSQL too). TRUNCATE stays possible for the table's owner (test
databases are flushed that way); keep Sori's database role from owning the table in production
if even that must be refused, and note that ``sori audit verify`` reports a truncated trail as
deleted entries against the chain head.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION sori_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the Sori audit trail is append-only: % is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditentry_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION sori_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_auditentry_no_update_delete ON audit_auditentry;
DROP FUNCTION IF EXISTS sori_audit_append_only();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
