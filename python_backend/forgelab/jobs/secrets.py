"""Storage credentials travel to a job apart from its files: through one environment variable.

A job's ``job.json`` carries each storage's configuration without its secrets (the keys
:func:`~forgelab.adapters.storage.base.is_secret` names, and passwords inside URLs); the secrets
go, as JSON, into :data:`ENV` of the job's process, set by the compute adapter at launch (never on
a command line, never inside a file or a Dask task). :func:`merged` puts them back in the job.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from ..adapters.storage.base import is_secret, mask_url_password

#: The environment variable holding ``{storage name: {secret key: value}}`` as JSON.
ENV = "FORGELAB_STORAGE_SECRETS"


def _split(config: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    public: dict[str, Any] = {}
    secret: dict[str, Any] = {}
    for key, value in config.items():
        if is_secret(str(key)) and value not in (None, ""):
            secret[key] = value
        elif isinstance(value, Mapping):
            public[key], inner = _split(value)
            if inner:
                secret[key] = inner
        elif isinstance(value, str) and mask_url_password(value) != value:
            public[key], secret[key] = mask_url_password(value), value  # http://user:pw@host
        else:
            public[key] = value
    return public, secret


def split(
    storages: Mapping[str, Mapping[str, Any]],
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Job storage configurations (``job_config()`` by name) without secrets, and the secrets."""
    public: dict[str, dict[str, Any]] = {}
    secrets: dict[str, dict[str, Any]] = {}
    for name, job_config in storages.items():
        config, secret = _split(job_config.get("config") or {})
        public[name] = {**job_config, "config": config}
        if secret:
            secrets[name] = secret
    return public, secrets


def environment(secrets: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """The job's environment entry carrying ``secrets`` (empty when there are none)."""
    return {ENV: json.dumps(secrets, separators=(",", ":"))} if secrets else {}


def _merge(config: Mapping[str, Any], secret: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(config)
    for key, value in secret.items():
        inner = merged.get(key)
        merged[key] = (
            _merge(inner, value)
            if isinstance(value, Mapping) and isinstance(inner, Mapping)
            else value
        )
    return merged


def merged(name: str, job_config: Mapping[str, Any]) -> dict[str, Any]:
    """A storage's job configuration with its secrets from this process's environment put back."""
    try:
        secrets = json.loads(os.environ.get(ENV) or "{}")
    except json.JSONDecodeError as error:
        raise ValueError(f"{ENV} is not valid JSON ({error.msg}); the job cannot read it") from None
    secret = secrets.get(name) if isinstance(secrets, dict) else None
    if not secret:
        return dict(job_config)
    return {**job_config, "config": _merge(job_config.get("config") or {}, secret)}
