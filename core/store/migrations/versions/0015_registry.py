"""community registry: buildings, households, people, things, organisations, reports;
evacuations of grid cells

Revision ID: 0015
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('registry_records',
    sa.Column('record_id', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('cell', sa.String(length=40), nullable=False),
    sa.Column('worker', sa.String(length=40), nullable=True),
    sa.Column('x', sa.Float(), nullable=True),
    sa.Column('y', sa.Float(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('personal', sa.JSON(), nullable=False),
    sa.Column('verified_at', sa.String(length=32), nullable=True),
    sa.Column('verified_by', sa.String(length=64), nullable=False),
    sa.Column('personal_seqs', sa.JSON(), nullable=False),
    sa.Column('erased', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('record_id')
    )
    op.create_index('ix_registry_kind_cell', 'registry_records', ['kind', 'cell'],
                    unique=False)
    op.create_table('evacuations',
    sa.Column('evacuation_id', sa.String(length=24), nullable=False),
    sa.Column('incident_id', sa.String(length=32), nullable=False),
    sa.Column('cells', sa.JSON(), nullable=False),
    sa.Column('households', sa.JSON(), nullable=False),
    sa.Column('workers', sa.JSON(), nullable=False),
    sa.Column('helpers', sa.JSON(), nullable=False),
    sa.Column('checks', sa.JSON(), nullable=False),
    sa.Column('started_at', sa.String(length=32), nullable=False),
    sa.Column('started_by', sa.String(length=120), nullable=False),
    sa.Column('ended_at', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('evacuation_id')
    )


def downgrade() -> None:
    op.drop_table('evacuations')
    op.drop_index('ix_registry_kind_cell', table_name='registry_records')
    op.drop_table('registry_records')
