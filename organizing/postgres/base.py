"""Django's Postgres backend, with a health check that costs no round trip.

With CONN_HEALTH_CHECKS, Django asks a persistent connection `SELECT 1` at the start of every
request that uses the database: a whole round trip, on this stack about as long as the rest
of a small page. A connection the server has ended (a restart, a terminated backend, an idle
timeout, a failover) is not silent, though: the server sends its goodbye and closes the
socket, so the socket turns readable, while a healthy idle connection has nothing to read.
This backend looks at the socket first (a poll that does not wait) and asks `SELECT 1` only
when something is there.
"""

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    # Set by Django's BaseDatabaseWrapper.__init__, missing from its stub.
    health_check_enabled: bool
    health_check_done: bool

    def close_if_health_check_failed(self) -> None:
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and _idle_and_quiet(self.connection)
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()


def _idle_and_quiet(connection) -> bool:
    """Whether the connection is open, outside a transaction and has nothing waiting to be read."""
    if connection.closed or connection.broken:
        return False
    if connection.info.transaction_status != TransactionStatus.IDLE:
        return False
    poll = select.poll()
    poll.register(connection.fileno(), select.POLLIN)
    return not poll.poll(0)
