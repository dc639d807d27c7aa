"""sensor silence alarms: when a silent sensor's readings resumed; readings by age

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01

A silent sensor raises an alarm of kind "sensor_silent"; `resumed_at` marks it when the
sensor reads again (one alarm per silence episode). NULL for every other alarm, so
existing rows need nothing. Sensor readings get an index by time alone, for pruning
them by age (`core.plugins.retention`).
"""

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('alarms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resumed_at', sa.String(length=32), nullable=True))
    with op.batch_alter_table('sensor_readings', schema=None) as batch_op:
        batch_op.create_index('ix_sensor_readings_at', ['at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sensor_readings', schema=None) as batch_op:
        batch_op.drop_index('ix_sensor_readings_at')
    with op.batch_alter_table('alarms', schema=None) as batch_op:
        batch_op.drop_column('resumed_at')
