"""events: an index on the event type (sign-in checks an operator against the log)

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-01

Sign-in replays the operator events to check the operator's row against the log; with
this index that reads a handful of rows however long the log is.
"""

from alembic import op

revision = '0007'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_events_type', 'events', ['type'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_events_type', table_name='events')
