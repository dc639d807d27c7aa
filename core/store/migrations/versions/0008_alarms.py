"""alarms: every alarm raised, acknowledged or escalated, written by the projection

Revision ID: 0008
Revises: 0015
Create Date: 2026-12-01

No rows are made: logs before this version hold no alarm events, so an empty table is
what replaying them gives.
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alarms',
    sa.Column('id', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('source', sa.String(length=120), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('raised_at', sa.String(length=32), nullable=False),
    sa.Column('raised_by', sa.String(length=64), nullable=False),
    sa.Column('incident_id', sa.String(length=32), nullable=True),
    sa.Column('unit_id', sa.String(length=32), nullable=True),
    sa.Column('x', sa.Float(), nullable=True),
    sa.Column('y', sa.Float(), nullable=True),
    sa.Column('acknowledged_at', sa.String(length=32), nullable=True),
    sa.Column('acknowledged_by', sa.String(length=64), nullable=True),
    sa.Column('escalated_at', sa.String(length=32), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('alarms', schema=None) as batch_op:
        batch_op.create_index('ix_alarms_source', ['source'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('alarms', schema=None) as batch_op:
        batch_op.drop_index('ix_alarms_source')
    op.drop_table('alarms')
