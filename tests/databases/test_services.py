"""``brainhub services``: private servers start once, refuse a taken port, stop cleanly."""

from __future__ import annotations

import json
import os
import shutil
import socket
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from brainhub.cli import main
from brainhub.services import SERVICES, ServiceError
from brainhub.services.postgres import PostgresServer
from brainhub.services.server import free_port, process_alive

pytestmark = pytest.mark.services


def test_up_twice_leaves_the_running_server_alone(postgres_server):
    pid = postgres_server.pid()
    again = postgres_server.up()
    assert again["status"] == "running"
    assert postgres_server.pid() == pid


def test_up_twice_mariadb(mariadb_server):
    pid = mariadb_server.pid()
    assert mariadb_server.up()["status"] == "running"
    assert mariadb_server.pid() == pid


def test_a_taken_port_is_a_clear_error(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for kind in SERVICES.values():
            server = kind(tmp_path / kind.name, port)
            if server.missing_binaries():
                continue
            with pytest.raises(ServiceError, match=rf"port {port} on 127.0.0.1 is in use"):
                server.up()
            assert not (tmp_path / kind.name).exists()


def test_cli_up_status_down_prints_json_lines(tmp_path):
    if PostgresServer(tmp_path).missing_binaries():
        pytest.skip(
            "PostgreSQL binaries not installed (scripts/install-services.sh installs postgresql)"
        )
    # a directory the postgres OS user may enter (pytest's own temp root is private to root)
    project = Path(tempfile.mkdtemp(prefix="brainhub-project-"))
    project.chmod(0o755)
    port = str(free_port())
    runner = CliRunner()
    try:
        up = runner.invoke(
            main, ["services", "up", "postgres", "--port", port, "--project", str(project)]
        )
        assert up.exit_code == 0, up.output
        line = json.loads(up.output)
        assert line | {"data": ""} == {
            "service": "postgres",
            "status": "running",
            "host": "127.0.0.1",
            "port": int(port),
            "user": "brainhub",
            "password": "brainhub",
            "database": "app",
            "data": "",
        }
        assert line["data"] == str(project.resolve() / "data" / "services" / "postgres")
        pid = PostgresServer(Path(line["data"])).pid()
        assert pid is not None

        # the port was remembered: status and a second up find the same server
        status = runner.invoke(main, ["services", "status", "postgres", "--project", str(project)])
        assert json.loads(status.output)["status"] == "running"
        again = runner.invoke(main, ["services", "up", "postgres", "--project", str(project)])
        assert again.exit_code == 0, again.output
        assert PostgresServer(Path(line["data"])).pid() == pid

        down = runner.invoke(main, ["services", "down", "postgres", "--project", str(project)])
        assert down.exit_code == 0, down.output
        assert json.loads(down.output)["status"] == "stopped"
        assert not process_alive(pid)
    finally:
        runner.invoke(main, ["services", "down", "postgres", "--project", str(project)])
        shutil.rmtree(project, ignore_errors=True)


def test_cli_port_in_use_exits_non_zero_with_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            main, ["services", "up", "mariadb", "--port", str(port), "--project", str(tmp_path)]
        )
    if "not found" in result.output:
        pytest.skip(
            "MariaDB binaries not installed (scripts/install-services.sh installs mariadb-server)"
        )
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"error: mariadb: port {port} on 127.0.0.1 is in use by another process; "
        "stop that process or choose another port (brainhub services up mariadb --port N)"
    ]


def test_port_needs_one_service_name(tmp_path):
    result = CliRunner().invoke(main, ["services", "up", "--port", "5", "--project", str(tmp_path)])
    assert result.exit_code == 2
    assert "--port needs exactly one service name" in result.output


def test_status_of_a_service_never_started(tmp_path):
    result = CliRunner().invoke(main, ["services", "status", "--project", str(tmp_path)])
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [(line["service"], line["status"]) for line in lines] == [
        ("postgres", "stopped"),
        ("mariadb", "stopped"),
        ("redis", "stopped"),
        ("rabbitmq", "stopped"),
        ("kafka", "stopped"),
        ("azurite", "stopped"),
    ]


def test_a_home_the_postgres_user_cannot_reach_is_a_clear_error(tmp_path):
    """As root, PostgreSQL runs as the postgres OS user, which must reach the data directory."""
    if os.geteuid() != 0:
        pytest.skip("only root hands the server to the postgres OS user")
    if PostgresServer(tmp_path).missing_binaries():
        pytest.skip(
            "PostgreSQL binaries not installed (scripts/install-services.sh installs postgresql)"
        )
    private = Path(tempfile.mkdtemp(prefix="brainhub-private-"))  # mode 0700, owned by root
    try:
        server = PostgresServer(private / "postgres", free_port())
        with pytest.raises(ServiceError, match="the postgres OS user cannot reach"):
            server.up()
    finally:
        shutil.rmtree(private, ignore_errors=True)


def test_a_deep_project_still_gets_a_usable_mariadb_socket(tmp_path):
    from brainhub.services.mariadb import SOCKET_PATH_MAX, MariaDBServer

    deep = tmp_path.joinpath(*(["a-rather-long-directory-name"] * 5))
    socket_path = MariaDBServer(deep).socket_path
    assert len(str(socket_path).encode()) <= SOCKET_PATH_MAX
    assert MariaDBServer(deep).socket_path == socket_path  # the same every time
    assert MariaDBServer(tmp_path).socket_path == tmp_path.resolve() / "mariadbd.sock"
