"""``forgelab.testing.postgres``: the throwaway server the store tests and benchmark use."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from forgelab.testing.postgres import PostgresServer, PostgresUnavailable, find_bin_dir


def test_missing_binaries_say_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(PostgresUnavailable, match="install Debian's postgresql package"):
        find_bin_dir(str(tmp_path / "postgresql" / "*" / "bin"), path=str(tmp_path))


def test_the_newest_debian_version_is_chosen(tmp_path: Path) -> None:
    for version in ("9.6", "15", "13"):
        folder = tmp_path / version / "bin"
        folder.mkdir(parents=True)
        (folder / "postgres").touch()
        (folder / "initdb").touch()
    assert find_bin_dir(str(tmp_path / "*" / "bin"), path="") == tmp_path / "15" / "bin"


def test_a_server_listens_on_loopback_and_is_removed_after(postgres: PostgresServer) -> None:
    url = postgres.create_database("helper_check")
    assert url == f"postgresql+psycopg://forgelab@127.0.0.1:{postgres.port}/helper_check"
    with psycopg.connect(
        f"host=127.0.0.1 port={postgres.port} user=forgelab dbname=helper_check"
    ) as connection:
        settings = dict(
            connection.execute(
                "SELECT name, setting FROM pg_settings WHERE name IN ('listen_addresses', 'fsync')"
            ).fetchall()
        )
    assert settings == {"listen_addresses": "127.0.0.1", "fsync": "off"}


def test_stop_removes_the_cluster() -> None:
    server = PostgresServer(database="short_lived")
    server.start()
    directory = server.directory
    assert directory is not None and (directory / "data" / "PG_VERSION").exists()
    server.stop()
    assert not directory.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(f"host=127.0.0.1 port={server.port} user=forgelab dbname=short_lived")
