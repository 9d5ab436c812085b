"""Full-text search of articles and comments (see boards/search.py).

PostgreSQL: a French text search configuration that folds accents (`carnet_fr`: the
`unaccent` extension before the French stemmer), and GIN indexes on the very
expressions boards/search.py queries.

SQLite: FTS5 tables over the article and comment tables (external content, so the text
is not stored twice), kept in sync by triggers, so every write path (services, admin,
shell) updates the index without knowing it exists.

Handwritten; each backend ignores the other's half. Tables rebuilt by a later SQLite
migration lose their triggers: tests/boards/test_search.py would catch it, and such a
migration must recreate them.
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    DO $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'carnet_fr') THEN
            CREATE TEXT SEARCH CONFIGURATION carnet_fr (COPY = french);
            ALTER TEXT SEARCH CONFIGURATION carnet_fr
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
        END IF;
    END
    $$
    """,
    """
    CREATE INDEX IF NOT EXISTS boards_article_search ON boards_article USING GIN ((
        setweight(to_tsvector('carnet_fr'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('carnet_fr'::regconfig, coalesce(body_md, '')), 'B')
    ))
    """,
    """
    CREATE INDEX IF NOT EXISTS boards_comment_search ON boards_comment USING GIN ((
        setweight(to_tsvector('carnet_fr'::regconfig, coalesce(body_md, '')), 'B')
    ))
    """,
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS boards_comment_search",
    "DROP INDEX IF EXISTS boards_article_search",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS carnet_fr",
]

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE boards_article_fts USING fts5(
        title, body_md, content='boards_article', content_rowid='id',
        tokenize="unicode61 remove_diacritics 2"
    )
    """,
    """
    CREATE TRIGGER boards_article_fts_insert AFTER INSERT ON boards_article BEGIN
        INSERT INTO boards_article_fts(rowid, title, body_md)
        VALUES (new.id, new.title, new.body_md);
    END
    """,
    """
    CREATE TRIGGER boards_article_fts_delete AFTER DELETE ON boards_article BEGIN
        INSERT INTO boards_article_fts(boards_article_fts, rowid, title, body_md)
        VALUES ('delete', old.id, old.title, old.body_md);
    END
    """,
    """
    CREATE TRIGGER boards_article_fts_update AFTER UPDATE OF title, body_md ON boards_article
    WHEN old.title IS NOT new.title OR old.body_md IS NOT new.body_md BEGIN
        INSERT INTO boards_article_fts(boards_article_fts, rowid, title, body_md)
        VALUES ('delete', old.id, old.title, old.body_md);
        INSERT INTO boards_article_fts(rowid, title, body_md)
        VALUES (new.id, new.title, new.body_md);
    END
    """,
    """
    CREATE VIRTUAL TABLE boards_comment_fts USING fts5(
        body_md, content='boards_comment', content_rowid='id',
        tokenize="unicode61 remove_diacritics 2"
    )
    """,
    """
    CREATE TRIGGER boards_comment_fts_insert AFTER INSERT ON boards_comment BEGIN
        INSERT INTO boards_comment_fts(rowid, body_md) VALUES (new.id, new.body_md);
    END
    """,
    """
    CREATE TRIGGER boards_comment_fts_delete AFTER DELETE ON boards_comment BEGIN
        INSERT INTO boards_comment_fts(boards_comment_fts, rowid, body_md)
        VALUES ('delete', old.id, old.body_md);
    END
    """,
    """
    CREATE TRIGGER boards_comment_fts_update AFTER UPDATE OF body_md ON boards_comment
    WHEN old.body_md IS NOT new.body_md BEGIN
        INSERT INTO boards_comment_fts(boards_comment_fts, rowid, body_md)
        VALUES ('delete', old.id, old.body_md);
        INSERT INTO boards_comment_fts(rowid, body_md) VALUES (new.id, new.body_md);
    END
    """,
    # Index what was written before this migration.
    "INSERT INTO boards_article_fts(boards_article_fts) VALUES ('rebuild')",
    "INSERT INTO boards_comment_fts(boards_comment_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS boards_comment_fts_update",
    "DROP TRIGGER IF EXISTS boards_comment_fts_delete",
    "DROP TRIGGER IF EXISTS boards_comment_fts_insert",
    "DROP TABLE IF EXISTS boards_comment_fts",
    "DROP TRIGGER IF EXISTS boards_article_fts_update",
    "DROP TRIGGER IF EXISTS boards_article_fts_delete",
    "DROP TRIGGER IF EXISTS boards_article_fts_insert",
    "DROP TABLE IF EXISTS boards_article_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("boards", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD}),
            elidable=False,
        ),
    ]
