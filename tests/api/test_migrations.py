"""Schema migrations: an older database upgrades in place and matches the models exactly."""

from __future__ import annotations

import uuid
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import JSON, Boolean, Integer, String, column, insert, inspect, table, text, update
from sqlmodel import Session, SQLModel, select
from sqlmodel.sql.sqltypes import UTCDateTime

from common.schemas import AgencyIn
from common.schemas import FileRecord as FileRecordSchema
from sync_server.auth import hash_password
from sync_server.config import Settings
from sync_server.db import alembic_config, current_revision, make_engine, migrate
from sync_server.domain.agencies import upsert_agencies
from sync_server.domain.users import authenticate
from sync_server.models import Agency, AuditLog, FileRecord, RecordRevision, utcnow


def _insert_agency(conn: Any) -> None:
    """Agency A as the early revisions wrote it (its columns have not changed since 0001)."""
    conn.execute(
        text(
            "INSERT INTO agency (code, name, kind, in_deposit_list, status, seq, updated_at) "
            "VALUES ('000.00.01.H47', 'Sở Nội vụ', 'department', true, 'active', 1, :now)"
        ),
        {"now": utcnow()},
    )


def test_database_of_first_version_upgrades_in_place(empty_database_url: str) -> None:
    engine = make_engine(Settings(database_url=empty_database_url))
    migrate(engine, "0001")
    assert current_revision(engine) == "0001"
    assert "filerecord" not in inspect(engine).get_table_names()
    # rows as version 0001 wrote them (today's models have columns 0001 lacked)
    with engine.begin() as conn:
        _insert_agency(conn)
        conn.execute(
            text(
                "INSERT INTO app_user (username, full_name, role, password_hash, active, created_at) "
                "VALUES ('nguoidung.cu', '', 'admin', :hash, true, :now)"
            ),
            {"hash": hash_password("mat-khau-cu"), "now": utcnow()},
        )
        conn.execute(
            text(
                "INSERT INTO auditlog (at, entity_type, entity_id, action) "
                "VALUES (:now, 'agency', '000.00.01.H47', 'create')"
            ),
            {"now": utcnow()},
        )

    migrate(engine)
    migrate(engine)  # running it again changes nothing

    assert current_revision(engine) == ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert {"filerecord", "filedamage", "nilreport", "box"} <= set(inspect(engine).get_table_names())
    with Session(engine) as s:
        assert s.get(Agency, "000.00.01.H47").name == "Sở Nội vụ"  # type: ignore[union-attr]
        assert authenticate(s, "nguoidung.cu", "mat-khau-cu") is not None
        assert len(s.exec(select(AuditLog)).all()) == 1
        upsert_agencies(s, None, [AgencyIn(code="000.00.02.H47", name="Sở Tài chính", kind="department")])
        s.commit()
        assert len(s.exec(select(AuditLog)).all()) == 2
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
    engine.dispose()


def test_sqlite_runs_in_wal_mode(settings: Settings) -> None:
    if not settings.is_sqlite:
        return
    engine = make_engine(settings)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


CAMPAIGN = "5a1f0e52-2026-4000-8000-000000000071"
# filerecord as revision 0008 had it (the columns a row needs)
FILE_0008 = table(
    "filerecord",
    *(column(n, String) for n in ("id", "agency_code", "campaign_id", "fonds_id", "file_no", "title")),
    *(column(n, String) for n in ("title_folded", "carrier", "criteria", "review_state")),
    *(column(n, Integer) for n in ("version", "rev", "seq", "max_severity")),
    *(column(n, Boolean) for n in ("deleted", "conflicted", "rare")),
    column("created_at", UTCDateTime()),
    column("updated_at", UTCDateTime()),
    column("data", JSON),
)
DAMAGE_0008 = table(
    "filedamage",
    *(column(n, String) for n in ("record_id", "damage_type", "agency_code", "readability", "campaign_id")),
    column("severity", Integer),
)
REVISION_0008 = table(
    "recordrevision",
    *(column(n, String) for n in ("entity_type", "entity_id", "agency_code")),
    *(column(n, Integer) for n in ("rev", "server_version")),
    column("deleted", Boolean),
    column("at", UTCDateTime()),
    column("data", JSON),
)


def _file_0008(rid: str, criteria: list[str], rare: bool, *, deleted: bool = False, **data: Any) -> Any:
    """A file record row as revision 0008 stored it (the flag beside the criteria)."""
    body = {
        "id": rid,
        "agency_code": "000.00.01.H47",
        "campaign_id": CAMPAIGN,
        "fonds_id": rid,
        "file_no": rid[:4],
        "title": "Gia phả dòng họ",
        "criteria": criteria,
        "rare": rare,
        **data,
    }
    return {
        **{k: body[k] for k in ("id", "agency_code", "campaign_id", "fonds_id", "file_no", "title")},
        "title_folded": "gia pha dong ho",
        "carrier": "paper",
        "criteria": ",".join(sorted(criteria)),
        "review_state": "pending",
        "version": 1,
        "rev": 1,
        "seq": 1,
        "max_severity": 0,
        "deleted": deleted,
        "conflicted": False,
        "rare": rare,
        "created_at": utcnow(),
        "updated_at": utcnow(),
        "data": body,
    }


def test_upgrade_makes_rare_a_criterion_and_marks_hard_to_read_files(empty_database_url: str) -> None:
    """Existing records of revision 0008: the rare flag becomes the criterion (data, column,
    conflict revisions), hard-to-read files are marked, the counts are rebuilt; and back."""
    from sync_server.domain.dashboard import count_rows, recount

    engine = make_engine(Settings(database_url=empty_database_url))
    migrate(engine, "0008")
    ids = {k: str(uuid.uuid5(uuid.NAMESPACE_URL, k)) for k in ("both", "rare", "plain", "gone")}
    with engine.begin() as conn:
        _insert_agency(conn)
        difficult = [{"type": "mould", "severity": 4, "readability": "difficult"}]
        conn.execute(
            insert(FILE_0008),
            [
                _file_0008(ids["both"], ["permanent", "collected"], True),
                _file_0008(ids["rare"], ["damaged"], True, damages=difficult),
                _file_0008(ids["plain"], ["permanent"], False),
                _file_0008(ids["gone"], ["collected"], True, deleted=True),
            ],
        )
        conn.execute(
            insert(DAMAGE_0008),
            [
                {
                    "record_id": ids["rare"],
                    "damage_type": "mould",
                    "agency_code": "000.00.01.H47",
                    "readability": "difficult",
                    "campaign_id": CAMPAIGN,
                    "severity": 4,
                }
            ],
        )
        conn.execute(
            insert(REVISION_0008),
            [
                {
                    "entity_type": "file_record",
                    "entity_id": ids["plain"],
                    "agency_code": "000.00.01.H47",
                    "rev": 2,
                    "server_version": 1,
                    "deleted": False,
                    "at": utcnow(),
                    "data": _file_0008(ids["plain"], ["permanent"], True)["data"],
                }
            ],
        )
    with Session(engine) as s:
        assert (CAMPAIGN, "file", "collected,permanent", "paper") in count_rows(s)

    migrate(engine)

    with Session(engine) as s:
        rows = {r.id: r for r in s.exec(select(FileRecord)).all()}
        expected = {"both": "collected,permanent,rare", "rare": "damaged,rare", "plain": "permanent"}
        for key, column_value in expected.items():
            row = rows[ids[key]]
            assert row.criteria == column_value
            assert sorted(row.data["criteria"]) == column_value.split(",")
            assert "rare" not in row.data
            FileRecordSchema.model_validate(row.data)  # today's shape
        assert [k for k in ids if rows[ids[k]].conservation] == ["rare"]
        revision = s.exec(select(RecordRevision)).one()
        assert revision.data["criteria"] == ["permanent", "rare"] and "rare" not in revision.data
        counts = count_rows(s)
        assert counts[(CAMPAIGN, "file", "collected,permanent,rare", "paper")] == 1
        assert (CAMPAIGN, "file", "collected,permanent", "paper") not in counts
        recount(s)
        assert count_rows(s) == counts  # the counts the upgrade left are the tables' own
        # the count triggers survived the column change
        s.exec(update(FileRecord).where(FileRecord.id == ids["plain"]).values(criteria="permanent,rare"))  # type: ignore[call-overload, arg-type]
        s.commit()
        after = count_rows(s)
        recount(s)
        assert count_rows(s) == after and after[(CAMPAIGN, "file", "permanent,rare", "paper")] == 1
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []

    migrate_down(engine, "0008")
    with engine.connect() as conn:
        back = {r.id: r for r in conn.execute(select(FILE_0008))}
    assert (back[ids["both"]].rare, back[ids["both"]].criteria) == (True, "collected,permanent")
    assert back[ids["both"]].data["rare"] is True and "rare" not in back[ids["both"]].data["criteria"]
    assert (back[ids["rare"]].rare, back[ids["rare"]].criteria) == (True, "damaged")
    migrate(engine)
    assert current_revision(engine) == ScriptDirectory.from_config(alembic_config()).get_current_head()
    engine.dispose()


def migrate_down(engine: Any, revision: str) -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
