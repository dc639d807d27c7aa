"""playbooks and decisions: live checklists and joint-decision proposals

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01

Both tables are written only from the projection; they start empty (no event before
this version activates a playbook or raises a proposal).
"""

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('playbook_activations',
    sa.Column('incident_id', sa.String(length=32), nullable=False),
    sa.Column('playbook_id', sa.String(length=48), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('incident_id')
    )
    op.create_table('decision_proposals',
    sa.Column('id', sa.String(length=16), nullable=False),
    sa.Column('incident_id', sa.String(length=32), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('decision_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_proposals_incident_id'), ['incident_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('decision_proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_proposals_incident_id'))
    op.drop_table('decision_proposals')
    op.drop_table('playbook_activations')
