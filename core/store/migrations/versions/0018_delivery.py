"""delivery: the delivery queue and records, and how far the delivery service has read

Revision ID: 0018
Revises: 0013
Create Date: 2026-12-01

Tables of the delivery service (core/delivery/tables.py), outside the hash-chained log.
"""

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('deliveries',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('endpoint', sa.String(length=200), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('sent_at', sa.String(length=32), nullable=True),
    sa.Column('source_seq', sa.Integer(), nullable=True),
    sa.Column('outgoing', sa.JSON(), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('message_id', 'channel', 'endpoint', name='uq_deliveries_message')
    )
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_deliveries_subject', ['subject'], unique=False)
        batch_op.create_index('ix_deliveries_state_next', ['state', 'next_attempt'],
                              unique=False)
    op.create_table('delivery_cursor',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )


def downgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_state_next')
        batch_op.drop_index('ix_deliveries_subject')
    op.drop_table('deliveries')
    op.drop_table('delivery_cursor')
