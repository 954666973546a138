"""``fixity``: every stored master re-hashed where it is kept (local folder or S3), each check
recorded. A master whose bytes changed, that is missing, or that cannot be read is a problem: an
ERROR line in the log, a row the dashboard counts, and the command's exit code. Nothing is ever
repaired here: a damaged master is restored by staff from an insurance copy (``verify-copy`` says
which copies hold it intact).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session, col

from common.vocab import CheckResult
from sync_server.auth import Principal
from sync_server.domain.audit import audit
from sync_server.domain.preservation.sets import require_staff
from sync_server.models import FixityCheck, FixityRun, ScanMaster, utcnow
from sync_server.storage.base import PhotoStore, StorageUnavailable, sha256_of

log = logging.getLogger("saoluu.fixity")
CHECKS_PER_COMMIT = 50


@dataclass(frozen=True)
class Checked:
    """One master checked: ``n`` of ``total``, its result, and the run's bytes so far."""

    n: int
    total: int
    check: FixityCheck
    bytes_done: int
    bytes_total: int


Progress = Callable[[Checked], None]


def check_master(store: PhotoStore, sha256: str, size: int) -> FixityCheck:
    """Re-hash one stored master (not yet added to a session or a run)."""
    try:
        with store.open(sha256) as source:
            found, length = sha256_of(source)
    except FileNotFoundError:
        return FixityCheck(run_id=0, sha256=sha256, result=CheckResult.MISSING.value)
    except (OSError, StorageUnavailable) as exc:
        detail = getattr(exc, "operation", None) or getattr(exc, "strerror", None) or str(exc)
        return FixityCheck(
            run_id=0, sha256=sha256, result=CheckResult.UNREADABLE.value, detail=str(detail)[:300]
        )
    intact = found == sha256 and length == size
    result = CheckResult.OK if intact else CheckResult.MISMATCH
    return FixityCheck(run_id=0, sha256=sha256, result=result.value, found=found, size=length)


def run_fixity(
    session: Session, store: PhotoStore, principal: Principal | None, *, progress: Progress | None = None
) -> FixityRun:
    """Check every stored master; returns the finished run (``problems`` > 0: something is wrong)."""
    require_staff(principal)
    masters = list(
        session.execute(select(col(ScanMaster.sha256), col(ScanMaster.size)).order_by(col(ScanMaster.sha256)))
    )
    run = FixityRun(total=len(masters), user_id=principal.user_id if principal else None)
    session.add(run)
    session.commit()
    assert run.id is not None
    run_id, total_bytes, done_bytes = run.id, sum(size for _, size in masters), 0
    pending: list[FixityCheck] = []
    for n, (sha256, size) in enumerate(masters, 1):
        check = check_master(store, sha256, size)
        check.run_id, check.at = run_id, utcnow()
        done_bytes += check.size or 0
        if check.result != CheckResult.OK:
            log.error(
                "fixity: master %s is %s%s",
                sha256,
                CheckResult(check.result).en.lower(),
                _detail(check, size),
            )
        pending.append(check)
        if len(pending) >= CHECKS_PER_COMMIT or n == len(masters):
            _save(session, run_id, pending)
            pending = []
        if progress is not None:
            progress(Checked(n, len(masters), check, done_bytes, total_bytes))
    run = session.get(FixityRun, run_id) or run
    run.finished_at = utcnow()
    session.add(run)
    audit(
        session,
        principal,
        "fixity_run",
        str(run_id),
        "fixity",
        detail={"total": run.total, "problems": run.problems},
    )
    session.commit()
    session.refresh(run)
    if run.problems:
        log.error("fixity: %d of %d stored masters have a problem (run %d)", run.problems, run.total, run_id)
    return run


def _detail(check: FixityCheck, size: int) -> str:
    if check.result == CheckResult.MISMATCH:
        return f" (now hashes to {check.found}, {check.size} bytes of {size})"
    return f" ({check.detail})" if check.detail else ""


def _save(session: Session, run_id: int, checks: list[FixityCheck]) -> None:
    run = session.get(FixityRun, run_id)
    assert run is not None
    ok = sum(c.result == CheckResult.OK for c in checks)
    run.ok += ok
    run.problems += len(checks) - ok
    run.bytes += sum(c.size or 0 for c in checks)
    session.add_all([run, *checks])
    session.commit()


def latest_problems(session: Session, limit: int = 100) -> list[FixityCheck]:
    """Masters whose latest check found a problem (a later intact check clears it), latest first."""
    latest = select(func.max(FixityCheck.id)).group_by(FixityCheck.sha256).scalar_subquery()
    query = (
        select(FixityCheck)
        .where(col(FixityCheck.id).in_(latest), col(FixityCheck.result) != CheckResult.OK.value)
        .order_by(col(FixityCheck.id).desc())
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def problem_count(session: Session) -> int:
    """How many masters' latest check found a problem."""
    latest = select(func.max(FixityCheck.id).label("id")).group_by(FixityCheck.sha256).subquery()
    query = (
        select(func.count())
        .select_from(FixityCheck)
        .join(latest, latest.c.id == FixityCheck.id)
        .where(col(FixityCheck.result) != CheckResult.OK.value)
    )
    return int(session.execute(query).scalar_one())


def last_run(session: Session) -> FixityRun | None:
    """The latest run (finished or not)."""
    return session.execute(select(FixityRun).order_by(col(FixityRun.id).desc()).limit(1)).scalars().first()
