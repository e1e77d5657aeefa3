"""``inside_root``: the one check that a path a request names stays inside the Jupyter root."""

from __future__ import annotations

import os
from pathlib import Path

from forgelab.paths import inside_root


def test_paths_below_the_root_resolve_and_the_root_itself_counts(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    assert inside_root(tmp_path, "a/b.json") == (tmp_path / "a" / "b.json").resolve()
    assert inside_root(str(tmp_path), "a/../c") == (tmp_path / "c").resolve()
    assert inside_root(tmp_path, ".") == tmp_path.resolve()
    assert inside_root(tmp_path, tmp_path / "a") == (tmp_path / "a").resolve()


def test_paths_that_leave_the_root_are_refused(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    assert inside_root(root, "..") is None
    assert inside_root(root, "../root-sibling/x") is None
    assert inside_root(root, "/etc/passwd") is None
    # A prefix of the root's name is not the root.
    assert inside_root(root, str(tmp_path / "rootx" / "f")) is None


def test_links_are_followed_before_deciding(tmp_path: Path) -> None:
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    os.symlink(outside, root / "away")
    os.symlink(root / "real", root / "here")
    assert inside_root(root, "away/secret.txt") is None
    assert inside_root(root, "here/file") == (root / "real" / "file").resolve()
