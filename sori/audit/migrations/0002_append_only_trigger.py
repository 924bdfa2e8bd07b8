"""On PostgreSQL the database itself refuses UPDATE, DELETE and TRUNCATE on the audit trail.

SQLite has no such guard that survives a determined user; there ``sori audit verify`` detects the
change instead (it does on PostgreSQL too).
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
CREATE TRIGGER audit_auditentry_no_truncate
    BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION sori_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_auditentry_no_truncate ON audit_auditentry;
DROP TRIGGER IF EXISTS audit_auditentry_no_update_delete ON audit_auditentry;
DROP FUNCTION IF EXISTS sori_audit_append_only();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
