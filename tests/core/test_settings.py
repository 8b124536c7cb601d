"""Configuration from the environment: one settings class, pools sized by it."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.db import connection_config
from core.settings import Settings


def test_postgres_pool_is_sized_by_settings(tmp_path: Path) -> None:
    settings = Settings(
        database_url="postgresql://app:pw@db.internal:5433/ideabank",
        db_pool_min=4,
        db_pool_max=40,
        data_dir=tmp_path,
    )
    conn = connection_config(settings)
    assert conn["engine"] == "tortoise.backends.asyncpg"
    creds = conn["credentials"]
    assert (creds["host"], creds["port"], creds["database"]) == ("db.internal", 5433, "ideabank")
    assert (creds["minsize"], creds["maxsize"]) == (4, 40)


def test_sqlite_path_and_embedded_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("BASE_URL", raising=False)
    settings = Settings(database_url=f"sqlite://{tmp_path}/x/db.sqlite3", data_dir=tmp_path)
    conn = connection_config(settings)
    assert conn["credentials"]["file_path"] == f"{tmp_path}/x/db.sqlite3"
    assert (tmp_path / "x").is_dir()
    assert settings.redis_embedded
    assert settings.run_worker_in_process
    assert not settings.secure_cookies


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    monkeypatch.setenv("BASE_URL", "https://ytuong.example.vn")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("DB_POOL_MAX", "33")
    settings = Settings(data_dir=tmp_path)
    assert settings.redis_url == "redis://cache:6379/0"
    assert not settings.run_worker_in_process  # production: separate worker processes
    assert settings.secure_cookies
    assert settings.secret_key == "from-the-environment"
    assert settings.db_pool_max == 33


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = Settings(data_dir=tmp_path).secret_key
    second = Settings(data_dir=tmp_path).secret_key
    assert len(first) >= 40
    assert first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
