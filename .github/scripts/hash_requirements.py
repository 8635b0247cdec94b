#!/usr/bin/env python3
"""Write a requirements file with every PyPI file hash of each pinned version (for pip --require-hashes).

  python3 .github/scripts/hash_requirements.py .github/requirements/deploy.in > .github/requirements/deploy.txt

The input lists `name==version` lines (comments kept). The hashes come from PyPI's simple index (the
`#sha256=` of each file of that version: the sdist and every wheel), as pip-compile --generate-hashes
writes them; pip then refuses any file whose hash is not listed.
"""

from __future__ import annotations

import re
import sys
import urllib.request

INDEX = "https://pypi.org/simple"


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def file_hashes(name: str, version: str) -> list[str]:
    with urllib.request.urlopen(f"{INDEX}/{normalise(name)}/", timeout=60) as response:
        page = response.read().decode()
    files = re.findall(r'href="[^"]*/([^/"#]+)#sha256=([0-9a-f]{64})"', page)
    prefix = f"{normalise(name)}-{version.lower()}"
    hashes = []
    for filename, digest in files:
        rest = filename.lower().replace("_", "-")  # PyYAML-6.0.4-cp311-…whl, python-terraform-0.10.1.tar.gz
        tail = rest[len(prefix) :]
        if rest.startswith(prefix) and (tail.startswith("-") or tail in (".tar.gz", ".zip")):
            hashes.append(digest)
    hashes = sorted(set(hashes))
    if not hashes:
        raise SystemExit(f"{name}=={version}: no files on {INDEX}")
    return hashes


def main(path: str) -> None:
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    for line in lines:
        pin = re.fullmatch(r"([A-Za-z0-9_.-]+)==([^\s;#]+)", line.strip())
        if not pin:
            print(line)
            continue
        hashes = file_hashes(*pin.groups())
        print(" \\\n    ".join([line.strip(), *(f"--hash=sha256:{digest}" for digest in hashes)]))


if __name__ == "__main__":
    main(sys.argv[1])
