"""unit post: the station an idle unit was moved up to

Revision ID: 0021
Revises: 0017
Create Date: 2026-12-01

Written only from the projection (`unit_relocated`; `units_assigned` clears it). NULL
for every existing unit: no event before this version moved a unit up.
"""

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('units') as batch:
        batch.add_column(sa.Column('post', sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('units') as batch:
        batch.drop_column('post')
