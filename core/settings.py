"""The one settings class. Read by `web/` and `workers/`; domain code gets plain values."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DATA_DIR = Path("data")


class Settings(BaseSettings):
    """Configuration from the environment. Unset means the embedded default."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = f"sqlite://{DATA_DIR}/ideabank.sqlite3"
    db_pool_min: int = Field(default=2, ge=1)
    db_pool_max: int = Field(default=20, ge=1)
    redis_url: str | None = None
    meili_url: str | None = None
    meili_master_key: str | None = None
    meili_index_prefix: str = "ideabank_"  # indexes ideabank_ideas, ideabank_contests
    # Unset: a random key kept in `data/secret_key` (fine for one machine). Several machines
    # must share one SECRET_KEY.
    secret_key: str = ""
    base_url: str = "http://127.0.0.1:8000"
    data_dir: Path = DATA_DIR
    host: str = "127.0.0.1"
    port: int = 8000
    # In embedded mode the arq worker runs inside the web process (SQLite takes one writer).
    # None means "when Redis is embedded".
    worker_in_process: bool | None = None
    session_max_age_s: int = 14 * 24 * 3600
    login_attempts_per_minute: int = 10

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def redis_embedded(self) -> bool:
        return not self.redis_url

    @property
    def run_worker_in_process(self) -> bool:
        if self.worker_in_process is None:
            return self.redis_embedded
        return self.worker_in_process

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    def model_post_init(self, __context: object) -> None:
        if not self.secret_key:
            self.secret_key = _stored_secret(self.data_dir)

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"


def _stored_secret(data_dir: Path) -> str:
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.touch(mode=0o600)
    path.write_text(key)
    return key


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
