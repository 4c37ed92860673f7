"""Paths and server settings shared by the fixtures and the tests."""

import os
from pathlib import Path

REPO_ROOT = Path(os.environ.get("REPO_ROOT") or Path(__file__).resolve().parents[2])
SPEC_PATH = REPO_ROOT / "api" / "openapi.yaml"
SEED_UNITS_PATH = REPO_ROOT / "db" / "seed" / "admin-units.json"

# What the suite's server is started with.
ALLOWED_ORIGIN = "http://allowed.example"
DB_POOL_SIZE = 4
MAX_BODY_BYTES = 1024 * 1024
