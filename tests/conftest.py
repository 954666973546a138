"""Fixtures: every server test runs on SQLite and on a real throwaway PostgreSQL.

A migrated template database holding a small world (agencies A and B, one user per role and
agency) is built once per engine; each test gets its own copy (a copied SQLite file, or a
PostgreSQL database created from the template), so tests never share data.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlmodel import Session

from common.schemas import AgencyIn
from common.vocab import Role
from sync_server.app import create_app
from sync_server.config import Settings
from sync_server.db import make_engine, migrate
from sync_server.domain.agencies import upsert_agencies
from sync_server.domain.users import UserCreate, create_user
from tests.browser import browser  # noqa: F401  (fixture shared by browser tests)
from tests.pgcluster import PgCluster, find_bindir

AGENCY_A = "000.00.01.H47"
AGENCY_B = "000.00.02.H47"
PROVINCE = "000.00.00.H47"


@dataclass(frozen=True)
class Account:
    username: str
    role: Role
    agency: str | None = None

    @property
    def password(self) -> str:
        return f"matkhau-{self.username}"


ACCOUNTS = {
    a.username: a
    for a in (
        Account("admin", Role.ADMIN),
        Account("reviewer", Role.REVIEWER),
        Account("head_a", Role.AGENCY_HEAD, AGENCY_A),
        Account("head_b", Role.AGENCY_HEAD, AGENCY_B),
        Account("surveyor_a", Role.SURVEYOR, AGENCY_A),
        Account("surveyor_b", Role.SURVEYOR, AGENCY_B),
        Account("operator", Role.DIGITIZATION_OPERATOR),
    )
}


def build_world(session: Session) -> None:
    upsert_agencies(
        session,
        None,
        [
            AgencyIn(code=PROVINCE, name="UBND tỉnh Quảng Nam", kind="province"),
            AgencyIn(code=AGENCY_A, name="Sở Nội vụ", kind="department", parent_code=PROVINCE),
            AgencyIn(code=AGENCY_B, name="Sở Tài chính", kind="department", parent_code=PROVINCE),
        ],
    )
    session.commit()
    for acc in ACCOUNTS.values():
        create_user(
            session,
            None,
            UserCreate(
                username=acc.username,
                password=acc.password,
                role=acc.role,
                agency_code=acc.agency if acc.role == Role.AGENCY_HEAD else None,
                assigned_agencies=[acc.agency] if acc.role == Role.SURVEYOR and acc.agency else [],
            ),
        )


def _pg_required() -> bool:
    return os.environ.get("SAOLUU_REQUIRE_PG") == "1" or os.environ.get("CI") == "true"


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    bindir = find_bindir()
    if bindir is None:
        if _pg_required():
            pytest.fail("PostgreSQL binaries not found (scripts/test.sh installs postgresql-15)")
        pytest.skip("PostgreSQL not installed")
    cluster = PgCluster(bindir).start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sqlite-template")
    settings = Settings(data_dir=root)
    engine = make_engine(settings)
    migrate(engine)
    with Session(engine) as session:
        build_world(session)
    engine.dispose()
    return root / "saoluu.db"


PG_TEMPLATE = "saoluu_template"


@pytest.fixture(scope="session")
def pg_template(pg_cluster: PgCluster) -> str:
    admin = create_engine(pg_cluster.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {PG_TEMPLATE}"))
    admin.dispose()
    engine = make_engine(Settings(database_url=pg_cluster.url(PG_TEMPLATE)))
    migrate(engine)
    with Session(engine) as session:
        build_world(session)
    engine.dispose()
    return PG_TEMPLATE


_db_counter = itertools.count()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database with the test world, on each engine."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "data" / "saoluu.db"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    template_name = request.getfixturevalue("pg_template")
    name = f"t{os.getpid()}_{next(_db_counter)}"
    admin = create_engine(cluster.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {template_name}"))
    yield cluster.url(name)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=database_url)


@pytest.fixture
def app(settings: Settings):  # type: ignore[no-untyped-def]
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as c:
        yield c


def login(client: TestClient, username: str, password: str | None = None) -> dict[str, str]:
    """Sign in through the API; returns the Authorization header."""
    pw = password if password is not None else ACCOUNTS[username].password
    r = client.post("/api/v1/auth/token", data={"username": username, "password": pw})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture
def auth(client: TestClient):  # type: ignore[no-untyped-def]
    """``auth("head_a")`` -> headers of a fresh session for that test account (cached per test)."""
    cache: dict[str, dict[str, str]] = {}

    def get(username: str) -> dict[str, str]:
        if username not in cache:
            cache[username] = login(client, username)
        return cache[username]

    return get


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all, on each engine (for migration tests)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    name = f"e{os.getpid()}_{next(_db_counter)}"
    admin = create_engine(cluster.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield cluster.url(name)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()
