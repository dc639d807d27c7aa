"""database profile: what a database is (live, training, demo) and its clock domain

Revision ID: 0005
Revises: 0007
Create Date: 2026-12-01

No row is seeded: a database without one was never labelled (it counts as live) and has
never had a drill (its clock domain is the wall clock), which is exactly what replaying
its log says.
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('database_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=True),
    sa.Column('clock_domain', sa.String(length=16), nullable=False),
    sa.Column('exercise', sa.String(length=120), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('database_profile')
