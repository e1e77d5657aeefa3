"""The store's owner filter, and a restarted server taking up only its own user's executions."""

from __future__ import annotations

from pathlib import Path

from forgelab.executions import Orchestrator
from forgelab.store import Store, default_url, now


def add_execution(store: Store, execution_id: str, owner: str, status: str) -> None:
    store.create_execution(
        {
            "id": execution_id,
            "owner": owner,
            "status": status,
            "pipeline": {"format": "forgelab.pipeline", "version": 1, "nodes": []},
            "compute": "local",
            "storage": "local",
            "created_at": now(),
        },
        [],
    )


def test_none_means_every_owner_and_a_name_only_that_owners(tmp_path: Path) -> None:
    store = Store(default_url(tmp_path))
    try:
        add_execution(store, "e-alice", "alice", "succeeded")
        add_execution(store, "e-bob", "bob", "succeeded")
        assert {e["id"] for e in store.list_executions()} == {"e-alice", "e-bob"}
        assert [e["id"] for e in store.list_executions(owner="bob")] == ["e-bob"]
        assert store.get_execution("e-alice", owner="bob") is None
        assert store.find_job("e-alice", "j-none", owner="alice") is None
        # another owner's delete changes nothing and says so, like a missing id
        assert store.delete_execution("e-alice", owner="bob") is False
        assert store.get_execution("e-alice", owner="alice") is not None
        assert store.delete_execution("e-alice", owner="alice") is True
    finally:
        store.close()


async def test_a_restarted_server_takes_up_only_its_users_executions(tmp_path: Path) -> None:
    store = Store(default_url(tmp_path))
    try:
        add_execution(store, "e-alice", "alice", "running")
        add_execution(store, "e-bob", "bob", "running")
        alices_server = Orchestrator(store, root=tmp_path, owner="alice")
        assert await alices_server.recover(resume=False) == ["e-alice"]
        assert store.get_execution("e-alice")["status"] == "interrupted"
        assert store.get_execution("e-bob")["status"] == "running"
        await alices_server.close()
    finally:
        store.close()
