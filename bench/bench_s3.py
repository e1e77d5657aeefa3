"""A 256 MB artifact through the ``s3`` storage adapter against a raw s3fs copy, on moto.

The adapter hashes while uploading to a temporary key, then copies to the artifact's key and
deletes the temporary object; the baseline is ``s3fs.S3FileSystem.put_file`` of the same file.
The data is generated in one temporary file (deleted at the end). Prints the ratio.

    python bench/bench_s3.py [--size-mb 256] [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

from forgelab.adapters.storage.s3 import S3Storage
from forgelab.testing.s3 import MotoServer


def main(size_mb: int, rounds: int) -> None:
    with MotoServer() as moto:
        config = {
            "endpoint_url": moto.url,
            "bucket": "bench",
            "prefix": "forgelab",
            "key": "bench",
            "secret": "bench",
        }
        storage = S3Storage(config)
        fs = storage.filesystem()
        fs.call_s3("create_bucket", Bucket="bench")
        with tempfile.NamedTemporaryFile(prefix="bench-s3-", suffix=".bin") as data:
            block = os.urandom(1024 * 1024)
            for _ in range(size_mb):
                data.write(block)
            data.flush()
            raws, ourses = [], []
            for n in range(rounds):
                start = time.perf_counter()
                fs.put_file(data.name, f"bench/raw/{n}")
                raws.append(time.perf_counter() - start)
                fs.rm(f"bench/raw/{n}")
                start = time.perf_counter()
                stored = storage.put_file(data.name, f"ours/{n}")
                ourses.append(time.perf_counter() - start)
                assert stored.size == size_mb * 1024 * 1024
                storage.delete(stored.uri)
    raw, ours = min(raws), min(ourses)
    print(f"{size_mb} MB artifact to moto_server on 127.0.0.1, best of {rounds}")
    print(f"  raw s3fs put_file          : {raw:7.2f} s  ({size_mb / raw:7.1f} MB/s)")
    print(
        f"  s3 storage adapter put_file: {ours:7.2f} s  ({size_mb / ours:7.1f} MB/s, "
        "hashed, temp key + copy)"
    )
    print(f"  ratio adapter / raw        : {ours / raw:7.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size-mb", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    main(args.size_mb, args.rounds)
