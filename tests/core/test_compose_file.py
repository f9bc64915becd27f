"""compose.yaml (issue 20, point 9): the containerised office database is valid YAML and safe
by default — PostgreSQL 16, a named volume, a health check, the port bound to 127.0.0.1 unless
the office says otherwise, and the password only in the env file (never in the compose file)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict:  # type: ignore[type-arg]
    data = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_postgres_16_with_a_named_volume_and_a_health_check(compose: dict) -> None:  # type: ignore[type-arg]
    db = compose["services"]["db"]
    assert db["image"] == "postgres:16"
    [data_volume] = [v for v in db["volumes"] if v.endswith(":/var/lib/postgresql/data")]
    name = data_volume.split(":")[0]
    assert name in compose["volumes"]  # a named volume, not a folder that a clean-up could delete
    test = db["healthcheck"]["test"]
    assert test[0] == "CMD-SHELL"
    assert "pg_isready" in test[1]
    assert db["restart"] == "unless-stopped"


def test_port_bound_to_localhost_by_default(compose: dict) -> None:  # type: ignore[type-arg]
    [port] = compose["services"]["db"]["ports"]
    match = re.fullmatch(
        r"\$\{AUDITDESK_DB_BIND:-([^}]*)\}:\$\{AUDITDESK_DB_PORT:-(\d+)\}:5432", port
    )
    assert match is not None, port
    assert match.groups() == ("127.0.0.1", "5432")


def test_password_comes_from_the_env_file_only(compose: dict) -> None:  # type: ignore[type-arg]
    db = compose["services"]["db"]
    assert db["env_file"] == ["office.env"]
    assert "POSTGRES_PASSWORD" not in db.get("environment", {})
    example = (ROOT / "office.env.example").read_text(encoding="utf-8")
    assert re.search(r"^POSTGRES_PASSWORD=\S+", example, re.MULTILINE)
    assert "office.env" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()
