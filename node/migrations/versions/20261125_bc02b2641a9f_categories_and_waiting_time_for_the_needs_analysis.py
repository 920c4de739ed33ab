"""categories on matches and time logs, waiting time on requests, volunteers' months, for the needs analysis

Revision ID: bc02b2641a9f
Revises: 60ac405bcf9a
Create Date: 2026-11-25 12:30:00.000000

The needs analysis counts matches and hours by category and requests by the
hours they waited for a match; until now the category lived only on the
request and the waiting time had to be worked out from two timestamps for
every request of a period. The new columns are filled here from what the rows
already say: a match's category is its request's, a time log's its match's
request's or its assignment's, the waiting time the whole hours (rounded down)
from `created_at` to `matched_at`, to the microsecond.

The categories are added NOT NULL with a default of '' that holds only until
they are filled. PostgreSQL then drops that default; SQLite cannot drop one
without copying the table, and copying `matches` is not possible while
foreign keys are enforced (`time_logs` refers to it), so on SQLite the
default stays, unused: everything that writes a match or a time log sets its
category.
"""
from datetime import UTC
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bc02b2641a9f'
down_revision = '60ac405bcf9a'
branch_labels = None
depends_on = None


# Whole hours between two stored instants, exactly: SQLite stores them as text
# 'YYYY-MM-DD HH:MM:SS.ffffff', whose julianday() keeps only milliseconds, so
# the seconds and the microseconds are taken apart.
SQLITE_WAITING_HOURS = """
    ((CAST(strftime('%s', matched_at) AS INTEGER) - CAST(strftime('%s', created_at) AS INTEGER)) * 1000000
     + CAST(substr(matched_at, 21, 6) AS INTEGER) - CAST(substr(created_at, 21, 6) AS INTEGER)) / 3600000000
"""
POSTGRES_WAITING_HOURS = "floor(extract(epoch FROM matched_at - created_at) / 3600)"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
COUNTED_MATCH_STATUSES = ("accepted", "completed", "withdrawn")  # a match counts from its acceptance on


def upgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"

    with op.batch_alter_table('help_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('waiting_hours', sa.Integer(), nullable=True))
    waiting = SQLITE_WAITING_HOURS if sqlite else POSTGRES_WAITING_HOURS
    op.execute(f"UPDATE help_requests SET waiting_hours = {waiting} WHERE matched_at IS NOT NULL")
    with op.batch_alter_table('help_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_help_requests_matched')
        batch_op.create_index('ix_help_requests_matched', ['matched_at', 'closed_at', 'created_at', 'category', 'buurt_code', 'waiting_hours'], unique=False)
        batch_op.create_index('ix_help_requests_category', ['category', 'buurt_code', 'created_at'], unique=False)
        batch_op.create_index('ix_help_requests_waiting', ['category', 'waiting_hours', 'buurt_code', 'matched_at', 'created_at'], unique=False)

    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.String(length=24), nullable=False, server_default=''))
    op.execute(
        "UPDATE matches SET category = (SELECT help_requests.category FROM help_requests"
        " WHERE help_requests.id = matches.request_id)"
    )
    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.drop_index('ix_matches_responded')
        batch_op.create_index('ix_matches_responded', ['responded_at', 'status', 'category', 'volunteer_id'], unique=False)
        batch_op.create_index('ix_matches_category', ['category', 'volunteer_id', 'responded_at', 'status'], unique=False)

    with op.batch_alter_table('time_logs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.String(length=24), nullable=False, server_default=''))
    op.execute(
        "UPDATE time_logs SET category = COALESCE("
        "(SELECT matches.category FROM matches WHERE matches.id = time_logs.match_id),"
        " (SELECT assignments.category FROM assignments WHERE assignments.id = time_logs.assignment_id))"
    )
    with op.batch_alter_table('time_logs', schema=None) as batch_op:
        batch_op.drop_index('ix_time_logs_worked')
        batch_op.create_index('ix_time_logs_worked', ['worked_on', 'paid', 'category', 'member_id'], unique=False)
        batch_op.create_index('ix_time_logs_category', ['category', 'member_id', 'worked_on', 'paid'], unique=False)

    if not sqlite:
        op.alter_column('matches', 'category', server_default=None)
        op.alter_column('time_logs', 'category', server_default=None)

    activity = op.create_table('volunteer_activity',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=24), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.CheckConstraint('months > 0 AND months < 4096', name=op.f('ck_volunteer_activity_some_months_of_a_year')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_volunteer_activity_member_id_members')),
    sa.PrimaryKeyConstraint('member_id', 'category', 'year', name=op.f('pk_volunteer_activity'))
    )
    with op.batch_alter_table('volunteer_activity', schema=None) as batch_op:
        batch_op.create_index('ix_volunteer_activity_category', ['category', 'member_id', 'year', 'months'], unique=False)
    _fill_volunteer_activity(activity)


def _fill_volunteer_activity(activity):
    matches = sa.table('matches', sa.column('volunteer_id', sa.Integer()), sa.column('category', sa.String()),
                       sa.column('status', sa.String()), sa.column('responded_at', sa.DateTime()))
    time_logs = sa.table('time_logs', sa.column('member_id', sa.Integer()), sa.column('category', sa.String()),
                         sa.column('paid', sa.Boolean()), sa.column('worked_on', sa.Date()))
    connection = op.get_bind()
    masks = {}
    accepted = connection.execute(
        sa.select(matches.c.volunteer_id, matches.c.category, matches.c.responded_at)
        .where(matches.c.status.in_(COUNTED_MATCH_STATUSES), matches.c.responded_at.is_not(None))
    )
    for member_id, category, responded_at in accepted:
        local = responded_at.replace(tzinfo=UTC).astimezone(AMSTERDAM)  # stored as naive UTC
        key = (member_id, category, local.year)
        masks[key] = masks.get(key, 0) | 1 << (local.month - 1)
    logged = connection.execute(
        sa.select(time_logs.c.member_id, time_logs.c.category, time_logs.c.worked_on)
        .where(time_logs.c.paid.is_(sa.false()))
    )
    for member_id, category, worked_on in logged:  # dates are already Amsterdam's
        key = (member_id, category, worked_on.year)
        masks[key] = masks.get(key, 0) | 1 << (worked_on.month - 1)
    rows = [{'member_id': m, 'category': c, 'year': y, 'months': months} for (m, c, y), months in masks.items()]
    if rows:
        op.bulk_insert(activity, rows)


def downgrade():
    with op.batch_alter_table('volunteer_activity', schema=None) as batch_op:
        batch_op.drop_index('ix_volunteer_activity_category')
    op.drop_table('volunteer_activity')

    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35 and later): a batch copy
    # of `matches` would fail while `time_logs` refers to it.
    with op.batch_alter_table('time_logs', schema=None) as batch_op:
        batch_op.drop_index('ix_time_logs_category')
        batch_op.drop_index('ix_time_logs_worked')
        batch_op.create_index('ix_time_logs_worked', ['worked_on', 'paid', 'member_id', 'match_id', 'assignment_id'], unique=False)
    op.drop_column('time_logs', 'category')

    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.drop_index('ix_matches_category')
        batch_op.drop_index('ix_matches_responded')
        batch_op.create_index('ix_matches_responded', ['responded_at', 'status', 'volunteer_id', 'request_id'], unique=False)
    op.drop_column('matches', 'category')

    with op.batch_alter_table('help_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_help_requests_waiting')
        batch_op.drop_index('ix_help_requests_category')
        batch_op.drop_index('ix_help_requests_matched')
        batch_op.create_index('ix_help_requests_matched', ['matched_at', 'closed_at', 'created_at', 'category', 'buurt_code'], unique=False)
    op.drop_column('help_requests', 'waiting_hours')
