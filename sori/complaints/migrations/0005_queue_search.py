"""Keyword search for the back-office queue (ISO 10002 7.3): the ``complaints_search`` index.

SQLite gets an FTS5 table, PostgreSQL a tsvector table with a GIN index; both are kept in step by
triggers and filled from the complaints already there. The SQL lives in ``sori.complaints.search``
(one place for the migration, bulk loads and any later migration that must reinstall triggers).
"""

from django.db import migrations


def install(apps, schema_editor):
    from sori.complaints import search

    search.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from sori.complaints import search

    search.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0004_default_matrix_causes_letters"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
