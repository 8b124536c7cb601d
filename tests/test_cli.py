"""The `ideabank` command on a fresh SQLite database, as an operator would run it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent / "ideabank"


def run(args: list[str], data: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DATABASE_URL=f"sqlite://{data}/db.sqlite3", DATA_DIR=str(data), MEILI_URL="")
    return subprocess.run(
        [str(BIN), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_migrate_then_create_admin_twice(tmp_path: Path) -> None:
    assert run(["migrate"], tmp_path).returncode == 0
    secret = tmp_path / "pw"
    secret.write_text("a long admin password\n")
    first = run(
        ["create-admin", "--email", "Root@Example.vn", "--password-file", str(secret)], tmp_path
    )
    assert first.returncode == 0, first.stderr
    assert "admin ready: root@example.vn" in first.stdout
    again = run(
        ["create-admin", "--email", "root@example.vn", "--password-file", str(secret)], tmp_path
    )
    assert again.returncode == 0, again.stderr
    db = sqlite3.connect(tmp_path / "db.sqlite3")
    rows = db.execute(
        "SELECT r.role, u.level FROM role r JOIN member m ON m.id = r.member_id "
        "JOIN unit u ON u.id = r.unit_id WHERE m.email = 'root@example.vn' ORDER BY r.role"
    ).fetchall()
    assert rows == [("admin", "national"), ("member", "national")]
    provinces = db.execute("SELECT COUNT(*) FROM unit WHERE level = 'province'").fetchone()
    assert provinces == (34,)


def test_short_admin_password_is_refused(tmp_path: Path) -> None:
    assert run(["migrate"], tmp_path).returncode == 0
    secret = tmp_path / "pw"
    secret.write_text("short")
    result = run(
        ["create-admin", "--email", "a@example.vn", "--password-file", str(secret)], tmp_path
    )
    assert result.returncode == 2
    assert "at least 8" in result.stderr


def test_worker_needs_a_redis_url(tmp_path: Path) -> None:
    result = run(["worker"], tmp_path)
    assert result.returncode == 2
    assert "REDIS_URL" in result.stderr
