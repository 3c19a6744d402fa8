"""Print a digest of what requirements.lock depends on: the dependencies and optional dependencies
of pyproject.toml (not the tool settings next to them). Used by infra/lock.sh and infra/bootstrap.sh."""

from __future__ import annotations

import hashlib
import json
import sys
import tomllib
from pathlib import Path


def digest(pyproject: Path) -> str:
    project = tomllib.loads(pyproject.read_text())["project"]
    inputs = {
        "requires-python": project.get("requires-python"),
        "dependencies": sorted(project.get("dependencies", [])),
        "optional-dependencies": {k: sorted(v) for k, v in sorted(project.get("optional-dependencies", {}).items())},
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:16]


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[1]
    print(digest(Path(sys.argv[1]) if len(sys.argv) > 1 else root / "pyproject.toml"))
