"""hub: idempotency keys, access tokens, delivery cursors

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('processed_commands',
    sa.Column('source', sa.String(length=80), nullable=False),
    sa.Column('client_id', sa.String(length=80), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('source', 'client_id')
    )
    op.create_table('hub_tokens',
    sa.Column('id', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('revoked', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_table('hub_cursors',
    sa.Column('client', sa.String(length=80), nullable=False),
    sa.Column('acked_seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('client')
    )


def downgrade() -> None:
    op.drop_table('hub_cursors')
    op.drop_table('hub_tokens')
    op.drop_table('processed_commands')
