"""The remote adapters are registered, importable, and declare valid configuration schemas."""

from __future__ import annotations

import jsonschema
import pytest
from forgelab.adapters.registry import describe_adapters, load_class


@pytest.mark.parametrize(
    "kind, name, cls",
    [
        ("compute", "dask", "DaskCompute"),
        ("compute", "sciserver", "SciServerCompute"),
        ("storage", "s3", "S3Storage"),
        ("storage", "sciserver", "SciServerStorage"),
    ],
)
def test_remote_adapter_is_available_with_a_valid_schema(kind, name, cls):
    loaded = load_class(kind, name)
    assert loaded.__name__ == cls and loaded.name == name
    jsonschema.Draft202012Validator.check_schema(loaded.config_schema)
    listed = {a["name"]: a for a in describe_adapters()[kind]}[name]
    assert listed["available"] and listed["configSchema"] == loaded.config_schema
    assert listed["description"]
