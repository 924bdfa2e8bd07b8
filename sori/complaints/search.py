"""Keyword search over complaints: subject, description and internal notes, Korean and English.

ISO 10002 7.3 (tracking a complaint) and 4.15 (people can find the case they need at once).
One index table, ``complaints_search``, holds one row per complaint, kept in step by database
triggers on ``complaints_complaint`` and on ``complaints_complaintevent`` rows of kind ``note``,
so every writer (services, the admin, a bulk import) keeps it right without remembering to:

- SQLite: an FTS5 virtual table (unicode61 tokenizer; prefix indexes for 2 and 3 characters)
  whose rowid is the complaint id; queries are ``"word"*`` prefix terms joined by AND.
- PostgreSQL: a table of ``tsvector`` documents (``to_tsvector('simple', …)``: no stemming, so
  Korean and English are treated alike) with a GIN index; queries are ``'word':*`` terms.

Korean words carry particles (환불 + 을), so every term is a prefix: "환불" finds "환불을".
People type anything: the text is cut into words here (letters and digits only), each word is
quoted, so no input can be read as query syntax ("AND", quotes, ``*``, ``NEAR(``) or as SQL (the
query is always a bound parameter). Text with no word in it matches nothing.

``install`` (the migration calls it) creates the table and triggers and fills the index;
``drop_triggers`` and ``install`` let a bulk load skip the per-row triggers and index once at the
end. A migration that rebuilds ``complaints_complaint`` on SQLite (Django drops and recreates the
table for some column changes) drops its triggers: such a migration must call ``install`` again
(a test checks that the triggers exist after all migrations).
"""

from __future__ import annotations

import re
from typing import TypeVar

from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Model, QuerySet
from django.db.models.expressions import RawSQL

TABLE = "complaints_search"
# Enough for any real search; a bound on the work one request can ask for.
MAX_TERMS = 8
MAX_TERM_LENGTH = 64
# Letters and digits in any script; everything else (punctuation, quotes, *, parentheses,
# underscores) separates words, as the unicode61 tokenizer and PostgreSQL's parser do.
_WORD = re.compile(r"[^\W_]+")

M = TypeVar("M", bound=Model)


def terms(text: str) -> list[str]:
    """The words of ``text`` to look for, lower-cased, at most ``MAX_TERMS`` of them."""
    words: list[str] = []
    for match in _WORD.finditer(text or ""):
        word = match.group().lower()[:MAX_TERM_LENGTH]
        if word not in words:
            words.append(word)
        if len(words) == MAX_TERMS:
            break
    return words


def fts5_query(words: list[str]) -> str:
    """An FTS5 query: each word quoted (so never an operator) and matched as a prefix."""
    return " ".join('"{}"*'.format(word.replace('"', '""')) for word in words)


def tsquery(words: list[str]) -> str:
    """A ``to_tsquery`` text: each word quoted (so never an operator) and matched as a prefix."""
    return " & ".join("'{}':*".format(word.replace("'", "''").replace("\\", "")) for word in words)


def matching(queryset: QuerySet[M], text: str, *, per_row: bool = False) -> QuerySet[M]:
    """``queryset`` (of complaints) narrowed to those whose text contains every word of ``text``.

    Text without a word (only punctuation, say) matches nothing, rather than everything.
    ``per_row``: on SQLite, check each complaint the query reads against the matches instead of
    starting from the matches; right when the query walks a small index in the order it wants
    (the open queue), wrong when it would walk the whole table (closed complaints).
    """
    words = terms(text)
    if not words:
        return queryset.none()
    # Constant SQL; the words go in as a bound parameter.
    vendor = connections[queryset.db].vendor
    if per_row and vendor == "sqlite":
        # The unary + keeps SQLite from starting at the id index.
        return queryset.filter(
            RawSQL(
                '+"complaints_complaint"."id" IN '
                "(SELECT rowid FROM complaints_search WHERE complaints_search MATCH %s)",
                (fts5_query(words),),
                output_field=BooleanField(),
            )
        )
    if vendor == "postgresql":
        ids = RawSQL(
            "SELECT complaint_id FROM complaints_search WHERE document @@ to_tsquery('simple', %s)",
            (tsquery(words),),
        )
    else:
        ids = RawSQL(
            "SELECT rowid FROM complaints_search WHERE complaints_search MATCH %s",
            (fts5_query(words),),
        )
    return queryset.filter(pk__in=ids)


# ------------------------------------------------------------------------------------ SQLite
#
# No trigger refers to a table other than its own and the index: when Django rebuilds a table
# on SQLite (create a copy, drop the old, rename), a trigger on another table naming the dropped
# one would make the rename fail. The rebuilt table's own triggers go with it; ``ensure_installed``
# (run after every ``migrate``) puts them back and re-indexes.


def _sqlite_notes(target: str) -> str:
    """The notes of complaint ``target`` (a column expression), as one text."""
    return (
        "coalesce((SELECT group_concat(e.note, ' ') FROM complaints_complaintevent e "  # noqa: S608 (constant SQL)
        f"WHERE e.complaint_id = {target} AND e.kind = 'note'), '')"
    )


def _sqlite_set_notes(target: str) -> str:
    """A statement (for a trigger body) that rewrites the notes of complaint ``target``."""
    return (
        "UPDATE complaints_search SET notes = "  # noqa: S608 (constant SQL)
        f"{_sqlite_notes(target)} WHERE rowid = {target};"
    )


_SQLITE_TRIGGERS = {
    "complaints_search_complaint_insert": (
        "AFTER INSERT ON complaints_complaint BEGIN "
        # A row left by a deleted complaint whose id SQLite handed out again.
        "DELETE FROM complaints_search WHERE rowid = NEW.id; "
        "INSERT INTO complaints_search (rowid, subject, description, notes) "
        "VALUES (NEW.id, NEW.subject, NEW.description, ''); END"
    ),
    "complaints_search_complaint_update": (
        "AFTER UPDATE OF subject, description ON complaints_complaint "
        "WHEN OLD.subject IS NOT NEW.subject OR OLD.description IS NOT NEW.description BEGIN "
        "UPDATE complaints_search SET subject = NEW.subject, description = NEW.description "
        "WHERE rowid = NEW.id; END"
    ),
    "complaints_search_complaint_delete": (
        "AFTER DELETE ON complaints_complaint BEGIN "
        "DELETE FROM complaints_search WHERE rowid = OLD.id; END"
    ),
    "complaints_search_note_insert": (
        "AFTER INSERT ON complaints_complaintevent WHEN NEW.kind = 'note' "
        f"BEGIN {_sqlite_set_notes('NEW.complaint_id')} END"
    ),
    "complaints_search_note_update": (
        "AFTER UPDATE ON complaints_complaintevent WHEN OLD.kind = 'note' OR NEW.kind = 'note' "
        f"BEGIN {_sqlite_set_notes('OLD.complaint_id')} {_sqlite_set_notes('NEW.complaint_id')} END"
    ),
    "complaints_search_note_delete": (
        "AFTER DELETE ON complaints_complaintevent WHEN OLD.kind = 'note' "
        f"BEGIN {_sqlite_set_notes('OLD.complaint_id')} END"
    ),
}

_SQLITE_SETUP = [
    # Dropping is far quicker than deleting every row of an FTS5 table.
    "DROP TABLE IF EXISTS complaints_search",
    "CREATE VIRTUAL TABLE complaints_search USING fts5("
    "subject, description, notes, "
    "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')",
    "INSERT INTO complaints_search (rowid, subject, description, notes) "  # noqa: S608 (constant SQL)
    f"SELECT c.id, c.subject, c.description, {_sqlite_notes('c.id')} FROM complaints_complaint c",
    "INSERT INTO complaints_search (complaints_search) VALUES ('optimize')",
]

# -------------------------------------------------------------------------------- PostgreSQL

_PG_DOCUMENT = (
    "to_tsvector('simple', coalesce(c.subject, '') || ' ' || coalesce(c.description, '') || ' ' || "
    "coalesce((SELECT string_agg(e.note, ' ' ORDER BY e.id) FROM complaints_complaintevent e "
    "WHERE e.complaint_id = c.id AND e.kind = 'note'), ''))"
)
_PG_SETUP = [
    "CREATE TABLE IF NOT EXISTS complaints_search "
    "(complaint_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS complaints_search_document_idx "
    "ON complaints_search USING gin (document)",
    # One function rewrites a complaint's row from scratch, so the index heals itself.
    "CREATE OR REPLACE FUNCTION complaints_search_refresh(target bigint) RETURNS void "  # noqa: S608 (constant SQL)
    "LANGUAGE sql AS $$ "
    "DELETE FROM complaints_search WHERE complaint_id = target; "
    "INSERT INTO complaints_search (complaint_id, document) "
    f"SELECT c.id, {_PG_DOCUMENT} FROM complaints_complaint c WHERE c.id = target; $$",
    "CREATE OR REPLACE FUNCTION complaints_search_on_complaint() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP = 'DELETE' THEN DELETE FROM complaints_search WHERE complaint_id = OLD.id; "
    "ELSE PERFORM complaints_search_refresh(NEW.id); END IF; "
    "RETURN NULL; END $$",
    "CREATE OR REPLACE FUNCTION complaints_search_on_note() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP <> 'INSERT' THEN IF OLD.kind = 'note' THEN "
    "PERFORM complaints_search_refresh(OLD.complaint_id); END IF; END IF; "
    "IF TG_OP <> 'DELETE' THEN IF NEW.kind = 'note' THEN "
    "PERFORM complaints_search_refresh(NEW.complaint_id); END IF; END IF; "
    "RETURN NULL; END $$",
    "TRUNCATE complaints_search",
    "INSERT INTO complaints_search (complaint_id, document) "  # noqa: S608 (constant SQL)
    f"SELECT c.id, {_PG_DOCUMENT} FROM complaints_complaint c",
]
_PG_TRIGGERS = {
    "complaints_search_complaint": (
        "complaints_complaint",
        "AFTER INSERT OR DELETE ON complaints_complaint FOR EACH ROW "
        "EXECUTE FUNCTION complaints_search_on_complaint()",
    ),
    "complaints_search_complaint_text": (
        "complaints_complaint",
        "AFTER UPDATE OF subject, description ON complaints_complaint FOR EACH ROW "
        "WHEN (OLD.subject IS DISTINCT FROM NEW.subject "
        "OR OLD.description IS DISTINCT FROM NEW.description) "
        "EXECUTE FUNCTION complaints_search_on_complaint()",
    ),
    "complaints_search_note": (
        "complaints_complaintevent",
        "AFTER INSERT OR UPDATE OR DELETE ON complaints_complaintevent FOR EACH ROW "
        "EXECUTE FUNCTION complaints_search_on_note()",
    ),
}


def trigger_names(connection: BaseDatabaseWrapper) -> set[str]:
    """The triggers that keep the index in step."""
    return set(_PG_TRIGGERS if connection.vendor == "postgresql" else _SQLITE_TRIGGERS)


def installed_triggers(connection: BaseDatabaseWrapper) -> set[str]:
    """Those of the index's triggers that exist in the database now."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE %s",
                ("complaints_search%",),
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                ("complaints_search%",),
            )
        return {row[0] for row in cursor.fetchall()}


def ensure_installed(connection: BaseDatabaseWrapper) -> bool:
    """Put back the triggers a table rebuild dropped, and re-index; True when it had to.

    Runs after every ``migrate`` (see ``ComplaintsConfig.ready``). Does nothing before the
    search migration is applied or after it is reversed (no index table).
    """
    if TABLE not in connection.introspection.table_names():
        return False
    if trigger_names(connection) <= installed_triggers(connection):
        return False
    with transaction.atomic(using=connection.alias):
        install(connection)
    return True


def drop_triggers(connection: BaseDatabaseWrapper) -> None:
    """Stop keeping the index in step (before a bulk load; ``install`` afterwards)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for name, (table, _body) in _PG_TRIGGERS.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        else:
            for name in _SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the index table and its triggers (again), and index every complaint afresh."""
    if connection.vendor not in ("sqlite", "postgresql"):  # pragma: no cover
        raise NotImplementedError(
            f"keyword search needs SQLite or PostgreSQL, not {connection.vendor}"
        )
    drop_triggers(connection)
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for statement in _PG_SETUP if postgres else _SQLITE_SETUP:
            cursor.execute(statement)
        if postgres:
            for name, (_table, body) in _PG_TRIGGERS.items():
                cursor.execute(f"CREATE TRIGGER {name} {body}")
        else:
            for name, body in _SQLITE_TRIGGERS.items():
                cursor.execute(f"CREATE TRIGGER {name} {body}")


def uninstall(connection: BaseDatabaseWrapper) -> None:
    """Remove the index table, its triggers and functions (reversing the migration)."""
    drop_triggers(connection)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS complaints_search")
        if connection.vendor == "postgresql":
            for function in (
                "complaints_search_on_note()",
                "complaints_search_on_complaint()",
                "complaints_search_refresh(bigint)",
            ):
                cursor.execute(f"DROP FUNCTION IF EXISTS {function}")
