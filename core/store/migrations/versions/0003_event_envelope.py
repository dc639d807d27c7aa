"""event envelope: schema version and salted personal-data hash on events; personal data
kept outside the chain

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Rows already in the log keep NULL in both new columns: they are envelope 1, hashed the
way they were recorded, and read as schema version 1. Nothing stored is rewritten.
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable columns without defaults: SQLite adds them without copying the table, and
    # the existing events (envelope 1) keep NULL.
    op.add_column('events', sa.Column('v', sa.Integer(), nullable=True))
    op.add_column('events', sa.Column('personal_hash', sa.String(length=64), nullable=True))
    op.create_table('event_personal',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('salt', sa.String(length=32), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('seq')
    )


def downgrade() -> None:
    op.drop_table('event_personal')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('personal_hash')
        batch_op.drop_column('v')
