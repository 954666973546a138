"""Server settings, read from environment variables (prefix ``SAOLUU_``) with safe defaults."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-secret-change-me"


class Settings(BaseSettings):
    """Everything the server can be told. Defaults give a working single-machine setup."""

    model_config = SettingsConfigDict(env_prefix="SAOLUU_", extra="ignore")

    environment: str = "development"
    data_dir: Path = Path("data")
    database_url: str = Field(
        default="", validation_alias=AliasChoices("DATABASE_URL", "SAOLUU_DATABASE_URL")
    )
    photo_dir: Path | None = None
    secret_key: str = DEV_SECRET
    public_url: str = ""
    user_token_hours: int = 12
    device_token_days: int = 365
    enroll_code_hours: int = 72
    max_photo_bytes: int = 20 * 1024 * 1024
    partial_upload_days: int = Field(default=30, ge=1)
    """Photo uploads left unfinished this long are deleted when the server starts."""
    max_import_bytes: int = 10 * 1024 * 1024
    max_scan_bytes: int = Field(default=2 * 1024 * 1024 * 1024, ge=1024 * 1024)
    """The largest scanned master (PDF) uploaded through the server (``SAOLUU_MAX_SCAN_BYTES``)."""
    max_decision_scan_bytes: int = 100 * 1024 * 1024
    """The largest scan of a signed decision (an approved list's, with its annex) the API takes."""
    max_push_bytes: int = Field(default=16 * 1024 * 1024, ge=1024 * 1024)
    """The largest push (a batch of up to 1,000 records as JSON) the server reads."""
    db_echo: bool = False
    db_sessions: int = Field(default=1, ge=1, le=30)
    """Requests of one server process that may use the database at once (``SAOLUU_DB_SESSIONS``;
    see :mod:`sync_server.session_slots`). Python runs one thread at a time per process: with more, the thread
    holding the write lock waits for the interpreter behind the others, so run one process per core
    (``SAOLUU_WORKERS``) instead; raise it when requests wait on a database or S3 across a network."""
    auth_cache_seconds: float = Field(default=5.0, ge=0, le=300)
    """How long a server process reuses what it read about a token (``SAOLUU_AUTH_CACHE_SECONDS``;
    0: read it on every request). A revocation, a disabled user or a password reset takes effect at
    once in the process that made it and within this time in the others."""
    sqlite_cache_mb: int = Field(default=32, ge=1, le=4096)
    """Page cache per SQLite connection, in MB (``SAOLUU_SQLITE_CACHE_MB``)."""
    photo_store: Literal["local", "s3"] = "local"
    """Where photo bytes live: ``photo_dir`` or an S3-compatible bucket (the ``s3_*`` settings)."""
    s3_endpoint_url: str = ""
    """e.g. ``http://minio:9000``; empty for AWS S3 itself."""
    s3_bucket: str = ""
    s3_prefix: str = "photos/"
    s3_region: str = "us-east-1"
    s3_access_key: str = ""
    """Empty: boto3's own credential chain (``AWS_*`` variables, instance role…)."""
    s3_secret_key: SecretStr = SecretStr("")
    master_dir: Path | None = None
    """Where scanned masters (PDF) live with the local store; default ``<data_dir>/masters``."""
    s3_master_prefix: str = "masters/"
    """Key prefix of scanned masters in the bucket when ``photo_store`` is ``s3``."""
    organization: str = Field(default="Trung tâm Lưu trữ lịch sử", max_length=200)
    """The archive's name: ``Source-Organization`` of copies and handover packages, the giving side
    of a handover's minutes (``SAOLUU_ORGANIZATION``)."""

    @model_validator(mode="after")
    def _resolve(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'saoluu.db').resolve()}"
        elif self.database_url.startswith(("postgres://", "postgresql://")):
            self.database_url = "postgresql+psycopg://" + self.database_url.split("://", 1)[1]
        if self.photo_dir is None:
            self.photo_dir = self.data_dir / "photos"
        if self.master_dir is None:
            self.master_dir = self.data_dir / "masters"
        if self.environment != "development" and self.secret_key == DEV_SECRET:
            raise ValueError("SAOLUU_SECRET_KEY must be set outside development")
        return self

    @model_validator(mode="after")
    def _check_s3(self) -> Settings:
        if self.photo_store == "s3" and not self.s3_bucket:
            raise ValueError("SAOLUU_S3_BUCKET must be set when SAOLUU_PHOTO_STORE=s3")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
