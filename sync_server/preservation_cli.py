"""Command line of insurance copies, fixity and handovers (added to ``python -m sync_server``).

Exit codes: 0 all is well; 1 the command ran and found or met a problem (a copy failed or is not
intact, a master changed or is missing, a handover refused); 2 it could not run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col

from common.errors import NotFound, SaoLuuError, ValidationFailed, field_error, field_errors
from common.vocab import CheckResult, CopyMedium, CopyState
from sync_server.db import engine_of

Command = Callable[[argparse.Namespace], int]


def _tools() -> tuple[Any, Any, Any]:
    from sync_server.__main__ import _fail, _session, _settings

    return _fail, _session, _settings


def _actor(session: Session, name: str | None) -> Any:
    from sync_server.auth import principal_for
    from sync_server.domain.users import get_user

    return principal_for(session, get_user(session, name)) if name else None


def _logging() -> None:
    """Problems as ``ERROR saoluu.…`` lines on stderr (the journal, under systemd)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("bagit").setLevel(logging.ERROR)


def _rate(done: int, started: float) -> str:
    return f"{done / 1e6 / max(time.monotonic() - started, 1e-6):,.0f} MB/s"


def _run(args: argparse.Namespace, work: Callable[[Session, Any, Any], int]) -> int:
    """Open the database, resolve ``--user``, run ``work``; a refusal prints why and returns 1 or 2."""
    fail, session_of, settings_of = _tools()
    settings = settings_of(args)
    with session_of(settings) as session:
        try:
            return work(session, settings, _actor(session, getattr(args, "user", None)))
        except ValidationError as exc:
            return fail(ValidationFailed(field_errors(exc)))
        except SaoLuuError as err:
            code = fail(err)
            return 1 if err.code == "handover_incomplete" else code


def cmd_add_copy_set(args: argparse.Namespace) -> int:
    from sync_server.domain.preservation.sets import CopySetIn, register_set

    def work(session: Session, settings: Any, actor: Any) -> int:
        data = CopySetIn(
            number=args.number, name=args.name, medium=args.medium, location=args.location, note=args.note
        )
        row = register_set(session, actor, data)
        print(f"Đã đăng ký bộ sao / copy set registered: {row.number} — {row.name}")
        return 0

    return _run(args, work)


def cmd_copy_sets(args: argparse.Namespace) -> int:
    from sync_server.domain.preservation.sets import list_sets

    def work(session: Session, settings: Any, actor: Any) -> int:
        for line in list_sets(session):
            s = line.set
            print(
                f"{s.number}: {s.name} ({CopyMedium(s.medium).vi}, {s.location}) — "
                f"bản sao / copies {line.copies}, bản số hóa / masters {line.masters}, "
                f"nguyên vẹn / verified {line.verified}"
            )
        return 0

    return _run(args, work)


def cmd_write_copy(args: argparse.Namespace) -> int:
    from sync_server.domain.preservation.copies import Step, write_copy
    from sync_server.storage import make_master_store

    _logging()
    started = time.monotonic()

    def show(step: Step) -> None:
        print(f"[{step.done}/{step.total}] {step.path} — {_rate(step.bytes_done, started)}", flush=True)

    def work(session: Session, settings: Any, actor: Any) -> int:
        store = make_master_store(settings)
        row = write_copy(
            session,
            store,
            actor,
            args.set,
            args.fonds or [],
            args.dir,
            organization=settings.organization,
            progress=show,
        )
        seconds = time.monotonic() - started
        if row.state != CopyState.WRITTEN:
            print(f"Lỗi / Error: bản sao {row.id} không ghi xong / copy failed: {row.error}", file=sys.stderr)
            return 1
        print(
            f"Bản sao / copy {row.id} → bộ / set {args.set}: {row.files} tệp / masters, "
            f"{row.bytes / 1e6:,.1f} MB trong / in {seconds:,.1f} s. "
            f"Kiểm tra / verify: python -m sync_server verify-copy {row.target}"
        )
        return 0

    return _run(args, work)


def _problem_text(problem: dict[str, Any]) -> str:
    message = field_error(problem["path"], problem["reason"], input=problem.get("detail") or "").message
    return f"{problem['path']}: {message.vi} / {message.en}"


def cmd_verify_copy(args: argparse.Namespace) -> int:
    from sync_server.domain.preservation.copies import Step
    from sync_server.domain.preservation.verify import verify_copy

    _logging()
    started = time.monotonic()

    def show(step: Step) -> None:
        print(f"[{step.done}/{step.total}] {step.path} — {_rate(step.bytes_done, started)}", flush=True)

    def work(session: Session, settings: Any, actor: Any) -> int:
        check = verify_copy(session, actor, args.dir, progress=show)
        result = CheckResult(check.result)
        for problem in check.problems or []:
            print(f"  - {_problem_text(problem)}", file=sys.stderr)
        print(
            f"Bản sao / copy {check.write_id}: {result.vi} / {result.en} — {check.files} tệp / files, "
            f"{check.bytes / 1e6:,.1f} MB"
        )
        return 0 if result == CheckResult.OK else 1

    return _run(args, work)


def cmd_fixity(args: argparse.Namespace) -> int:
    from sync_server.domain.preservation.fixity import Checked, run_fixity
    from sync_server.storage import make_master_store

    _logging()
    started = time.monotonic()

    def show(step: Checked) -> None:
        result = CheckResult(step.check.result)
        print(
            f"[{step.n}/{step.total}] {step.check.sha256[:16]}… {result.vi} — {step.bytes_done / 1e6:,.0f}"
            f"/{step.bytes_total / 1e6:,.0f} MB, {_rate(step.bytes_done, started)}",
            flush=True,
        )

    def work(session: Session, settings: Any, actor: Any) -> int:
        run = run_fixity(session, make_master_store(settings), actor, progress=None if args.quiet else show)
        print(
            f"Kiểm tra toàn vẹn / fixity run {run.id}: {run.total} bản số hóa / masters, "
            f"nguyên vẹn / intact {run.ok}, có vấn đề / problems {run.problems}; "
            f"{run.bytes / 1e6:,.1f} MB trong / in {time.monotonic() - started:,.1f} s"
        )
        return 1 if run.problems else 0

    return _run(args, work)


def _write_package(
    session: Session, settings: Any, actor: Any, handover_id: int, args: argparse.Namespace
) -> None:
    from sync_server.domain.preservation.handover import get_handover, package
    from sync_server.storage import make_master_store

    if args.out:
        store = make_master_store(settings)
        pkg = package(
            session, engine_of(session), store, actor, handover_id, organization=settings.organization
        )
        out = sys.stdout.buffer if str(args.out) == "-" else open(args.out, "wb")  # noqa: SIM115
        try:
            for chunk in pkg.chunks():
                out.write(chunk)
        finally:
            if out is not sys.stdout.buffer:
                out.close()
        print(f"Gói / package: {args.out} ({pkg.size:,} bytes)", file=sys.stderr)
    row = get_handover(session, handover_id)
    if args.minutes:
        from sync_server.domain.preservation.minutes import write_minutes  # openpyxl only when asked

        write_minutes(row, settings.organization, args.minutes)
        print(f"Biên bản / minutes: {args.minutes}", file=sys.stderr)
    if row.package_sha256:
        print(f"SHA-256: {row.package_sha256}", file=sys.stderr)


def cmd_handover(args: argparse.Namespace) -> int:
    from sync_server.domain.preservation.handover import HandoverIn, create_handover
    from sync_server.storage import make_master_store

    _logging()

    def work(session: Session, settings: Any, actor: Any) -> int:
        data = HandoverIn(
            fonds=args.fonds,
            recipient=args.recipient,
            number=args.number,
            handed_on=args.date,
            partial=args.partial,
            note=args.note,
        )
        row = create_handover(session, make_master_store(settings), actor, data)
        assert row.id is not None
        partial = f", một phần: thiếu / partial: {row.missing} missing" if row.partial else ""
        print(
            f"Bàn giao / handover {row.number} (id {row.id}): {row.files} hồ sơ / files, "
            f"{row.documents} văn bản / documents, {row.pages} trang / pages{partial}",
            file=sys.stderr,
        )
        _write_package(session, settings, actor, row.id, args)
        return 0

    return _run(args, work)


def cmd_handover_package(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from sync_server.models import Handover

    def work(session: Session, settings: Any, actor: Any) -> int:
        found = session.execute(select(col(Handover.id)).where(col(Handover.number) == args.number)).scalar()
        if found is None:
            raise NotFound(details=[field_error("number", "unknown_reference", input=args.number)])
        _write_package(session, settings, actor, found, args)
        return 0

    return _run(args, work)


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add this module's commands to the ``python -m sync_server`` parser."""
    user = {"help": "người thực hiện (ghi vào lịch sử) / who does it (audit)"}
    p = sub.add_parser("add-copy-set", parents=[common], help="đăng ký bộ sao bảo hiểm / register a copy set")
    p.add_argument("number", type=int)
    p.add_argument("--name", required=True, help='ví dụ / e.g. "Bộ 1 — ổ cứng, kho A"')
    p.add_argument("--medium", required=True, choices=[m.value for m in CopyMedium])
    p.add_argument("--location", required=True)
    p.add_argument("--note")
    p.add_argument("--user", **user)
    p.set_defaults(func=cmd_add_copy_set)

    p = sub.add_parser("copy-sets", parents=[common], help="các bộ sao bảo hiểm / list the copy sets")
    p.set_defaults(func=cmd_copy_sets)

    p = sub.add_parser("write-copy", parents=[common], help="ghi bản sao bảo hiểm (BagIt) / write a copy")
    p.add_argument("dir", type=Path, help="thư mục trống trên phương tiện / an empty folder on the medium")
    p.add_argument("--set", type=int, required=True, help="số của bộ sao / the set's number")
    p.add_argument(
        "--fonds", action="append", help="MÃ_CƠ_QUAN/SỐ_PHÔNG (lặp lại; mặc định: tất cả) / repeatable"
    )
    p.add_argument("--user", **user)
    p.set_defaults(func=cmd_write_copy)

    p = sub.add_parser("verify-copy", parents=[common], help="kiểm tra bản sao / verify a copy")
    p.add_argument("dir", type=Path)
    p.add_argument("--user", **user)
    p.set_defaults(func=cmd_verify_copy)

    p = sub.add_parser(
        "fixity", parents=[common], help="kiểm tra toàn vẹn bản số hóa / re-hash stored masters"
    )
    p.add_argument("--quiet", action="store_true", help="không in tiến độ / no progress lines")
    p.add_argument("--user", **user)
    p.set_defaults(func=cmd_fixity)

    p = sub.add_parser("handover", parents=[common], help="bàn giao theo phông / record a handover")
    p.add_argument(
        "--fonds", action="append", required=True, help="MÃ_CƠ_QUAN/SỐ_PHÔNG (lặp lại / repeatable)"
    )
    p.add_argument("--recipient", required=True, help="bên nhận / recipient")
    p.add_argument("--number", help="số bàn giao / handover number (default BG-<year>-<n>)")
    p.add_argument("--date", type=_day, help="ngày bàn giao / day (YYYY-MM-DD, default today)")
    p.add_argument("--partial", action="store_true", help="bàn giao một phần / hand over what is accepted")
    p.add_argument("--note")
    p.add_argument("--out", help="gói .tar (- : stdout) / package file")
    p.add_argument("--minutes", type=Path, help="biên bản .xlsx / minutes file")
    p.add_argument("--user", **user)
    p.set_defaults(func=cmd_handover)

    p = sub.add_parser(
        "handover-package", parents=[common], help="tải lại gói bàn giao / a handover's package"
    )
    p.add_argument("number", help="số bàn giao / handover number")
    p.add_argument("--out", help="gói .tar (- : stdout) / package file")
    p.add_argument("--minutes", type=Path, help="biên bản .xlsx / minutes file")
    p.add_argument("--user", **user)
    p.set_defaults(func=cmd_handover_package)
