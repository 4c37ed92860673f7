"""Named prepared statements (DB_PREPARE, on by default; service/src/db/statements.c).

Each pooled connection prepares a statement the first time it runs it. When the schema changes
under a running server so that a prepared statement's result no longer fits ("cached plan must not
change result type"), the connection drops its statements and runs the request again: the client
sees its answer, not an error. Here a column type is changed and changed back while the server
serves, with the connections that answer the reads holding the statement before each change.

test_zz_shutdown checks at the end of the suite that no connection ever gave up naming statements.
"""

from conftest import needs_server_process
from settings import DB_POOL_SIZE

UNIT = "/v1/admin-units/883"


def read_on_every_connection(api):
    """Reads the unit several times; the pool hands out its first free connection, so these
    sequential reads mostly prepare and reuse one connection's statement."""
    answers = [api.get(UNIT) for _ in range(3 * DB_POOL_SIZE)]
    assert [r.status_code for r in answers] == [200] * len(answers), answers[0].text
    return answers[-1].json()


def test_a_column_type_changed_under_a_running_server_costs_no_request(api, db):
    before = read_on_every_connection(api)
    for new_type in ("varchar(200)", "text"):
        db.execute(f"ALTER TABLE admin_unit ALTER COLUMN type TYPE {new_type}")
        assert read_on_every_connection(api) == before


@needs_server_process
def test_the_recovery_drops_the_stale_statements_and_prepares_them_again(api, db, server):
    read_on_every_connection(api)
    for new_type in ("varchar(200)", "text"):
        mark = server.output_sizes()
        db.execute(f"ALTER TABLE admin_unit ALTER COLUMN type TYPE {new_type}")
        read_on_every_connection(api)
        assert "prepared statements dropped" in server.output_since(mark), server.logs_tail()
