"""stored reports compressed with lz4 on PostgreSQL

Revision ID: 46e12b57e148
Revises: 9b05aa8df6ff
Create Date: 2026-11-25 13:28:44.695708

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '46e12b57e148'
down_revision = '9b05aa8df6ff'
branch_labels = None
depends_on = None


# PostgreSQL compresses each stored report (some 100 KiB of JWS) as it is written, with pglz by
# default; lz4 takes a third of pglz's CPU time and stores no more (docs/performance.md, "Hub
# intake"). Rows written from now on are compressed so. A server built without lz4 (or before
# PostgreSQL 14) keeps pglz; SQLite compresses nothing.


def upgrade():
    if _lz4_available():
        op.execute("ALTER TABLE reports ALTER COLUMN jws SET COMPRESSION lz4")


def downgrade():
    if _lz4_available():
        op.execute("ALTER TABLE reports ALTER COLUMN jws SET COMPRESSION default")


def _lz4_available():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    known = sa.text("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
    return bool(bind.execute(known).scalar())
