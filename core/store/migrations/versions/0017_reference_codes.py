"""reference codes: an incident's code for its caller, as a SHA-256 only

Revision ID: 0017
Revises: 0020
Create Date: 2026-12-01

Written only from the projection; starts empty (no incident had a code before).
"""

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reference_codes',
    sa.Column('incident_id', sa.String(length=32), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('issued_at', sa.String(length=32), nullable=False),
    sa.Column('issued_seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('incident_id'),
    sa.UniqueConstraint('code_hash')
    )


def downgrade() -> None:
    op.drop_table('reference_codes')
