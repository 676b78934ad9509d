import pytest
from django.conf import settings

from bidscript.embedded import servers
from bidscript.embedded.paths import POSTGRES_DIR

pytestmark = pytest.mark.skipif(bool(settings.DATABASE_URL), reason="uses the embedded PostgreSQL")


def test_a_torn_client_list_left_by_a_killed_process_does_not_stop_startup():
    handles = POSTGRES_DIR / ".handle_pids.json"
    handles.write_text("")

    socket_dir = servers.ensure_postgres()

    assert socket_dir.exists()
    assert handles.read_text().startswith("[")


def test_starting_twice_reuses_the_running_servers():
    first = servers.ensure_postgres(), servers.ensure_redis()

    assert (servers.ensure_postgres(), servers.ensure_redis()) == first
    assert servers.postgres_running()
    assert servers.redis_running()
