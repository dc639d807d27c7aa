"""road closures: the live centre's closed roads

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01

Written only from the projection (`road_closed`, `road_reopened`); starts empty (no event
before this version closes a road of the live centre).
"""

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('road_closures',
    sa.Column('road', sa.String(length=200), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('road')
    )


def downgrade() -> None:
    op.drop_table('road_closures')
