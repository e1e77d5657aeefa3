"""A real Jupyter server with jupyter-collaboration's server side next to ForgeLab."""

from __future__ import annotations

import pytest


@pytest.fixture
def jp_server_config(jp_server_config, jp_root_dir):  # noqa: F811 - extends the top-level one
    return {
        "ServerApp": {
            "jpserver_extensions": {
                "forgelab": True,
                "jupyter_server_ydoc": True,
                "jupyter_server_fileid": True,
            }
        },
        "BaseFileIdManager": {
            "root_dir": str(jp_root_dir),
            "db_path": str(jp_root_dir.joinpath(".fileid.db")),
            "db_journal_mode": "OFF",
        },
        "SQLiteYStore": {"db_path": str(jp_root_dir.joinpath(".ystore.db"))},
        "YDocExtension": {"document_save_delay": 0.2, "file_poll_interval": 0.2},
    }
