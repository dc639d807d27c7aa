"""Alembic environment: runs on the connection Beacon hands it (or on the URL)."""

from alembic import context
from sqlalchemy import create_engine

import core.decisions.tables  # noqa: F401 - so do the proposals
import core.delivery.tables  # noqa: F401 - and the delivery queue
import core.hub.tables  # noqa: F401 - the hub's tables share the metadata
import core.playbooks.tables  # noqa: F401 - and the live checklists
import core.plugins.tables  # noqa: F401 - so do the plugin host's
import core.public.tables  # noqa: F401 - and the reference codes
import core.registry.evacuation  # noqa: F401 - and the registry's evacuations
import core.registry.tables  # noqa: F401 - and the registry
import core.roads.closures  # noqa: F401 - and the road closures
import core.store.alarm_table  # noqa: F401 - and the alarms
import core.store.signin_table  # noqa: F401 - and the sign-in lockout
from core.store.schema import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
