"""Two local Airflows on one machine (a test suite's and `make airflow`) never share a port: the scheduler's
health check and the log servers get free ports, not Airflow's fixed defaults (8974, 8793, 8794)."""

from __future__ import annotations

import socket

from broadsheet.settings import Settings
from demo.airflow_server import (
    EPHEMERAL_PORTS,
    LOWEST_LISTENING_PORT,
    AirflowConfig,
    free_port,
    server_environment,
)
from demo.sites_server import port_is_free

PORT_VARIABLES = (
    "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT",
    "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT",
    "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT",
)


def test_two_instances_get_distinct_free_ports_for_health_check_and_log_servers(tmp_path):
    first = server_environment(Settings(data_dir=tmp_path / "a"), AirflowConfig("postgresql://x/a", api_port=1))
    second = server_environment(Settings(data_dir=tmp_path / "b"), AirflowConfig("postgresql://x/b", api_port=2))
    ports = [int(env[name]) for env in (first, second) for name in PORT_VARIABLES]
    assert len(set(ports)) == len(ports)
    assert not {8974, 8793, 8794} & set(ports)


def test_a_taken_demo_site_port_is_seen_as_taken():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        assert not port_is_free(holder.getsockname()[1])


def test_a_free_port_is_never_one_the_kernel_hands_to_outgoing_connections():
    """A server's port is probed, then bound a moment later; a port from the ephemeral range could meanwhile be
    taken as the source port of a parallel test's PostgreSQL connection ("Address already in use" in CI)."""
    lowest_ephemeral = int(EPHEMERAL_PORTS.read_text().split()[0])
    ports = {free_port() for _ in range(50)}
    assert all(LOWEST_LISTENING_PORT <= port < lowest_ephemeral for port in ports)
    assert len(ports) > 40  # drawn at random: two instances probing at once do not pick the same one
    with socket.socket() as server:
        server.bind(("127.0.0.1", ports.pop()))  # and each is free
