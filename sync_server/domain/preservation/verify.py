"""``verify-copy``: a copy's folder re-hashed against its manifest, and the result recorded.

The folder is found as a copy SaoLuu wrote by its ``bag-info.txt`` (``SaoLuu-Copy-Write``) or, for a
copy interrupted before its tags were written, by the folder it was written to. ``bagit`` checks the
bag's structure, its Payload-Oxum and that the manifests and the files agree (a file missing or
unexpected); then every file of the manifests is hashed, and the manifest is compared with what the
database says was written. The result — intact, incomplete (no ``bagit.txt``: interrupted; files
missing) or mismatch — is a :class:`~sync_server.models.CopyCheck`, and each master of the copy
carries what this verification found of it. Every problem is also logged as an ERROR.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import bagit
from sqlalchemy import select
from sqlmodel import Session, col

from common.errors import ValidationFailed, field_error
from common.vocab import CheckResult, CopyState
from sync_server.auth import Principal
from sync_server.domain.audit import audit
from sync_server.domain.preservation import bag
from sync_server.domain.preservation.copies import Progress, Step
from sync_server.domain.preservation.sets import require_staff
from sync_server.models import CopyCheck, CopyItem, CopyWrite, utcnow
from sync_server.storage.base import sha256_of

log = logging.getLogger("saoluu.copies")
ALGORITHM = "sha256"
PROBLEMS_KEPT = 1000


@dataclass(frozen=True)
class Problem:
    """What is wrong with one file of a copy (``reason``: a key of :data:`common.errors.MESSAGES`)."""

    path: str
    reason: str
    detail: str | None = None


def find_copy(session: Session, folder: Path) -> CopyWrite:
    """The copy written to ``folder``: named by its bag-info, else by where it was written."""
    if (folder / bag.BAGIT).is_file():
        try:
            named = bagit.Bag(str(folder)).info.get("SaoLuu-Copy-Write")
        except bagit.BagError:
            named = None
        if isinstance(named, str) and named.isdigit():
            row = session.get(CopyWrite, int(named))
            if row is not None:
                return row
    query = select(CopyWrite).where(col(CopyWrite.target) == str(folder)).order_by(col(CopyWrite.id).desc())
    row = session.execute(query).scalars().first()
    if row is None:
        raise ValidationFailed([field_error("dir", "not_a_copy", input=str(folder))])
    return row


def verify_copy(
    session: Session, principal: Principal | None, folder: Path, *, progress: Progress | None = None
) -> CopyCheck:
    """Verify the copy in ``folder`` and record what was found."""
    require_staff(principal)
    folder = folder.resolve()
    row = find_copy(session, folder)
    assert row.id is not None
    items = list(session.execute(select(CopyItem).where(col(CopyItem.write_id) == row.id)).scalars())
    session.rollback()
    check = _Check(folder, progress or (lambda step: None))
    check.run(row, {i.path: i.sha256 for i in items})
    for p in check.problems:
        log.error("copy %s (%s): %s %s %s", row.id, folder, p.path, p.reason, p.detail or "")
    now = utcnow()
    found = CopyCheck(
        write_id=row.id,
        result=check.result.value,
        files=check.files,
        bytes=check.bytes,
        problems=[asdict(p) for p in check.problems[:PROBLEMS_KEPT]] or None,
        user_id=principal.user_id if principal else None,
        at=now,
    )
    session.add(found)
    for item in items:
        item.result, item.checked_at = check.item_result(item.path, item.sha256).value, now
        session.add(item)
    detail: dict[str, Any] = {"result": found.result, "files": found.files, "problems": len(check.problems)}
    audit(session, principal, "copy_write", str(row.id), "verify", detail=detail)
    session.commit()
    session.refresh(found)
    return found


class _Check:
    """The checks of one folder, and what they found."""

    def __init__(self, folder: Path, progress: Progress) -> None:
        self.folder, self.progress = folder, progress
        self.problems: list[Problem] = []
        self.hashed: dict[str, str] = {}
        self.manifest: dict[str, str] = {}
        self.complete = True
        self.files = self.bytes = 0

    @property
    def result(self) -> CheckResult:
        if any(p.reason in ("copy_file_mismatch", "copy_manifest_differs") for p in self.problems):
            return CheckResult.MISMATCH
        return CheckResult.OK if self.complete and not self.problems else CheckResult.INCOMPLETE

    def item_result(self, path: str, sha256: str) -> CheckResult:
        if self.hashed.get(path) == sha256 and self.manifest.get(path) == sha256:
            return CheckResult.OK
        if path in self.hashed:
            return CheckResult.MISMATCH
        if not (self.folder / path).is_file():
            return CheckResult.MISSING
        return CheckResult.INCOMPLETE

    def run(self, row: CopyWrite, written: dict[str, str]) -> None:
        if not (self.folder / bag.BAGIT).is_file():
            self.complete = False
            running = row.state == CopyState.RUNNING.value
            self.problems.append(Problem(bag.BAGIT, "copy_interrupted" if running else "copy_no_bagit"))
            return
        try:
            found = bagit.Bag(str(self.folder))
        except bagit.BagError as exc:
            self.complete = False
            self.problems.append(Problem(bag.BAGIT, "copy_bad_bag", str(exc)[:300]))
            return
        self._completeness(found)
        self.manifest = {path: h.get(ALGORITHM, "") for path, h in found.entries.items()}
        self._hash_all()
        for path, sha256 in written.items():
            if self.manifest.get(path) != sha256:
                self.problems.append(Problem(path, "copy_manifest_differs", sha256))

    def _completeness(self, found: bagit.Bag) -> None:
        """bagit's completeness check (Payload-Oxum first), and then what exactly is missing or extra."""
        try:
            found.validate(completeness_only=True)
        except bagit.BagValidationError as exc:
            self.complete = False
            missing, unexpected = found.compare_manifests_with_fs()
            self.problems += [Problem(p, "copy_file_missing") for p in missing]
            self.problems += [Problem(p, "copy_unexpected_file") for p in unexpected]
            if not missing and not unexpected:
                self.problems.append(Problem(bag.BAG_INFO, "copy_oxum", str(exc)[:300]))
        except bagit.BagError as exc:
            self.complete = False
            self.problems.append(Problem(bag.BAG_INFO, "copy_bad_bag", str(exc)[:300]))

    def _hash_all(self) -> None:
        present = [(p, s) for p, s in self.manifest.items() if (self.folder / p).is_file()]
        sizes = {p: (self.folder / p).stat().st_size for p, _ in present}
        total = sum(sizes.values())
        for n, (path, expected) in enumerate(present, 1):
            try:
                with open(self.folder / path, "rb", buffering=0) as fh:
                    sha256, size = sha256_of(fh)
            except OSError as exc:
                self.problems.append(Problem(path, "copy_unreadable_file", exc.strerror or str(exc)))
                continue
            self.hashed[path] = sha256
            self.files, self.bytes = self.files + 1, self.bytes + size
            if sha256 != expected.lower():
                self.problems.append(Problem(path, "copy_file_mismatch", sha256))
            self.progress(Step(n, len(present), self.bytes, total, path))
