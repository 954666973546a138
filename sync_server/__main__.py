"""Command line: ``python -m sync_server serve|create-user|import-agencies|enroll-code|migrate|backup|…``."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from common.dates import show_date
from common.enroll import enroll_uri
from common.errors import SaoLuuError, ValidationFailed, field_errors
from common.qr import qr_png, qr_print
from common.vocab import Role
from sync_server.config import Settings


def _settings(args: argparse.Namespace) -> Settings:
    if args.data_dir:
        os.environ["SAOLUU_DATA_DIR"] = str(args.data_dir)
    return Settings()


def _session(settings: Settings) -> Session:
    from sync_server.db import make_engine, migrate

    engine = make_engine(settings)
    migrate(engine)
    return Session(engine)


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Mật khẩu / Password: ")
        if first != getpass.getpass("Nhập lại / Repeat: "):
            raise SystemExit("Mật khẩu không khớp / Passwords differ")
        return first
    return sys.stdin.readline().rstrip("\n")


def _fail(err: SaoLuuError) -> int:
    print(f"Lỗi / Error: {err.message.vi} / {err.message.en}", file=sys.stderr)
    for d in err.details:
        print(f"  - {d.field}: {d.message.vi} / {d.message.en}", file=sys.stderr)
    return 2


def cmd_backup(args: argparse.Namespace) -> int:
    from sync_server.backup import backup

    target = backup(_settings(args), args.file)
    print(f"Đã sao lưu / backed up: {target} ({target.stat().st_size:,} bytes)")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from sync_server.backup import restore

    restore(_settings(args), args.file)
    print(f"Đã khôi phục / restored from {args.file}")
    return 0


KEEP_ALIVE_SECONDS = 75
"""Idle keep-alive connections stay open this long (nginx's default)."""


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from sync_server.app import create_app

    settings = _settings(args)
    if not settings.public_url:
        settings.public_url = f"http://{args.host}:{args.port}"
        os.environ["SAOLUU_PUBLIC_URL"] = settings.public_url  # for worker processes too
    app = create_app(settings)  # migrates the database once, before any worker starts
    if args.demo:
        from sync_server.demo import seed_demo

        with Session(app.state.engine) as session:
            accounts = seed_demo(session, settings.data_dir)
        print_banner(settings, accounts)
    from sync_server.logs import log_config

    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_level": "info",
        "log_config": log_config(),
        # tablets and the reverse proxy keep connections open between requests; closing them
        # sooner than the client expects makes it send a request into a closing socket
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
    }
    if args.workers > 1:
        app.state.engine.dispose()
        uvicorn.run("sync_server.app:worker_app", factory=True, workers=args.workers, **options)
    else:
        uvicorn.run(app, **options)
    return 0


def print_banner(settings: Settings, accounts: list) -> None:
    url = settings.public_url
    print("=" * 72)
    print(" SaoLuu — máy chủ đồng bộ / sync server")
    print(f"  API:         {url}/api/v1   (tài liệu / docs: {url}/docs)")
    print(f"  Web (Trung tâm Lưu trữ / archive centre): {url}/web")
    print(f"  Dữ liệu / data:  {settings.data_dir.resolve()}")
    print("  Tài khoản demo / demo accounts (tên / mật khẩu / vai trò / cơ quan):")
    for a in accounts:
        print(f"    {a.username:<15} {a.password:<14} {a.role:<12} {a.note}")
    print("=" * 72, flush=True)


def cmd_create_user(args: argparse.Namespace) -> int:
    from sync_server.domain.users import UserCreate, create_user

    settings = _settings(args)
    password = _read_password()
    agencies = args.agency or []
    head = args.role == Role.AGENCY_HEAD.value
    try:
        data = UserCreate(
            username=args.name,
            password=password,
            role=Role(args.role),
            full_name=args.full_name,
            agency_code=agencies[0] if head and agencies else None,
            assigned_agencies=agencies if args.role == Role.SURVEYOR.value else [],
        )
    except ValidationError as exc:
        return _fail(ValidationFailed(field_errors(exc)))
    with _session(settings) as session:
        try:
            create_user(session, None, data)
        except SaoLuuError as err:
            return _fail(err)
    print(f"Đã tạo / created: {args.name} ({args.role})")
    return 0


def cmd_import_agencies(args: argparse.Namespace) -> int:
    from sync_server.domain.agencies import import_agencies

    settings = _settings(args)
    path = Path(args.file)
    if not path.is_file():
        print(f"Lỗi / Error: không có tệp / no such file: {path}", file=sys.stderr)
        return 2
    with _session(settings) as session:
        try:
            result = import_agencies(session, None, path.name, path.read_bytes())
        except SaoLuuError as err:
            return _fail(err)
    print(
        f"Thêm mới / created: {result.created}, cập nhật / updated: {result.updated}, "
        f"không đổi / unchanged: {result.unchanged}"
    )
    return 0


def cmd_enroll_code(args: argparse.Namespace) -> int:
    from sync_server.domain.devices import create_enroll_code
    from sync_server.domain.users import get_user

    settings = _settings(args)
    with _session(settings) as session:
        try:
            user = get_user(session, args.user)
        except SaoLuuError as err:
            return _fail(err)
        code = create_enroll_code(session, None, user, dt.timedelta(hours=settings.enroll_code_hours))
    server = args.server or settings.public_url or "http://127.0.0.1:8000"
    uri = enroll_uri(server, code)
    print(f"Mã kích hoạt máy tính bảng / tablet enrollment code for {args.user}: {code}")
    print(f"(hết hạn sau / expires in {settings.enroll_code_hours} h; dùng một lần / single use)")
    print(uri)
    if args.png:
        Path(args.png).write_bytes(qr_png(uri))
        print(f"QR: {args.png}")
    else:
        qr_print(uri, sys.stdout)
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    _session(settings).close()
    print("Cơ sở dữ liệu đã cập nhật / database is up to date")
    return 0


def cmd_ingest_scans(args: argparse.Namespace) -> int:
    """Take in a delivered folder of PDFs; exit 0 if none was refused, 1 if some were, 2 on errors."""
    import time

    from sync_server.domain.scans.ingest import ingest_folder
    from sync_server.domain.scans.report import reason_text, write_report
    from sync_server.storage import make_master_store

    settings = _settings(args)
    root = Path(args.dir)
    if not root.is_dir():
        print(f"Lỗi / Error: không có thư mục / no such folder: {root}", file=sys.stderr)
        return 2

    def show(item: Any, run: Any) -> None:
        done = run.stored + run.held + run.refused
        said = reason_text(item.reason, item.detail)
        facts = f" — {item.facts.pages} tr., {item.facts.min_ppi} ppi" if item.facts else ""
        print(f"[{done}/{run.total}] {item.name}: {item.outcome.vi}{facts}" + (f" — {said}" if said else ""))

    started = time.monotonic()
    with _session(settings) as session:
        try:
            actor = _actor(session, args.user) if args.user else None
            run = ingest_folder(session, make_master_store(settings), root, actor, progress=show)
        except SaoLuuError as err:
            return _fail(err)
        assert run.id is not None
        default = settings.data_dir / "scan-reports" / f"{run.id}.xlsx"
        report = write_report(session, run.id, args.report or default)
    seconds = time.monotonic() - started
    print(
        f"Lần nhận / run {run.id}: {run.total} tệp / PDFs — đã nhận / stored {run.stored}, "
        f"đã có / already held {run.held}, từ chối / refused {run.refused}; "
        f"{run.bytes_stored / 1e6:,.1f} MB trong / in {seconds:,.1f} s"
    )
    print(f"Báo cáo / report: {report}")
    return 1 if run.refused else 0


def _actor(session: Session, username: str) -> Any:
    """The principal of the user a command acts as (audited as them)."""
    from sync_server.auth import principal_for
    from sync_server.domain.users import get_user

    return principal_for(session, get_user(session, username))


def cmd_approve_list(args: argparse.Namespace) -> int:
    """Freeze the approved files of a scope into the next numbered list, with the signed decision."""
    from sync_server.domain import approved_lists
    from sync_server.storage import make_master_store

    settings = _settings(args)
    scan = Path(args.scan)
    if not scan.is_file():
        print(f"Lỗi / Error: không có tệp / no such file: {scan}", file=sys.stderr)
        return 2
    try:
        spec = approved_lists.ListIn(
            campaign_id=args.campaign,
            agency_codes=[c.strip().upper() for c in args.agency or []],
            supplement_to=args.supplement_to,
            decision_number=args.decision_number,
            decision_date=args.decision_date,
            signer_name=args.signer,
            signer_position=args.signer_position,
        )
    except ValidationError as exc:
        return _fail(ValidationFailed(field_errors(exc)))
    with _session(settings) as session:
        try:
            actor = _actor(session, args.user)
            with scan.open("rb") as fh:
                made = approved_lists.freeze(session, make_master_store(settings), actor, spec, fh)
            if args.annex:
                with open(args.annex, "wb") as out:
                    approved_lists.write_annex(session, actor, made.number, out)
        except SaoLuuError as err:
            return _fail(err)
    extra = f" (bổ sung cho / supplements {made.supplement_to})" if made.supplement_to else ""
    print(f"Danh mục số / list {made.number}{extra}: {made.files} hồ sơ / files, {made.pages} trang / pages")
    if args.annex:
        print(f"Phụ lục / annex: {args.annex}")
    return 0


def cmd_list_annex(args: argparse.Namespace) -> int:
    """Write the annex (.xlsx) of an approved list."""
    from sync_server.domain import approved_lists

    with _session(_settings(args)) as session:
        try:
            with open(args.out, "wb") as out:
                approved_lists.write_annex(session, _actor(session, args.user), args.number, out)
        except SaoLuuError as err:
            Path(args.out).unlink(missing_ok=True)
            return _fail(err)
    print(f"Phụ lục danh mục số / annex of list {args.number}: {args.out}")
    return 0


def _year_capacities(items: list[str]) -> dict[int, int]:
    out = {}
    for item in items:
        year, _, pages = item.partition("=")
        if not (year.strip().isdigit() and pages.strip().isdigit()):
            raise SystemExit(f"--year-capacity NĂM=SỐ_TRANG / YEAR=PAGES, not {item!r}")
        out[int(year)] = int(pages)
    return out


def cmd_plan_suggest(args: argparse.Namespace) -> int:
    """Print the suggested plan per year; write every file's place and reasons; apply it if asked."""
    import csv

    from sync_server.domain import plan

    capacities = _year_capacities(args.year_capacity or [])
    with _session(_settings(args)) as session:
        try:
            actor = _actor(session, args.user)
            act = plan.apply if args.apply else plan.suggest
            found = act(session, actor, args.capacity, capacities=capacities, from_year=args.from_year)
        except SaoLuuError as err:
            return _fail(err)
    print("Năm / year   sức chứa / capacity   đã có / planned (hồ sơ/files, trang/pages)   thêm / adds")
    for y in found.years:
        print(
            f"{y.year:<12} {y.capacity:>19,}   {y.planned_files:>12,} / {y.planned_pages:>12,}"
            f"         {y.new_files:>8,} / {y.new_pages:>10,}"
        )
    print(
        f"Không xếp được / not placed: {found.unplaced_files:,} hồ sơ / files, {found.unplaced_pages:,} trang"
    )
    print(f"Chưa ghi số trang, số tờ / no page or leaf count: {found.unknown_pages:,} hồ sơ / files")
    print(f"Khó đọc, tu bổ trước / hard to read, conservation first: {found.conservation:,} hồ sơ / files")
    if args.out:
        with open(args.out, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(
                ["Thứ tự", "Năm", "Mã cơ quan", "Số phông", "Hộp", "Hồ sơ số", "Số trang", "Lý do", "id"]
            )
            for f in found.files:
                c = f.candidate
                why = "; ".join(c.reasons("vi"))
                row = [f.rank, f.year or "", c.agency_code, c.fonds_no, c.box_code, c.file_no, c.pages, why]
                writer.writerow([*row, c.record_id])
        print(f"Danh sách / list: {args.out}")
    print(
        "Đã đưa vào kế hoạch / applied"
        if args.apply
        else "Chưa ghi gì; thêm --apply để áp dụng / nothing written"
    )
    return 0


def cmd_boxes_overdue(args: argparse.Namespace) -> int:
    """List the boxes out longer than N days."""
    from sync_server.domain import custody

    with _session(_settings(args)) as session:
        try:
            rows = custody.overdue(session, _actor(session, args.user), args.days)
        except SaoLuuError as err:
            return _fail(err)
    for b in rows:
        since = show_date(b.since, day_only=True)
        print(f"{b.code}\t{b.batch_name or ''}\t{since}\t{b.days_out} ngày / days\t{b.user or ''}")
    print(f"{len(rows)} hộp giao đi quá {args.days} ngày / boxes out longer than {args.days} days")
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", type=Path, help="thư mục dữ liệu / data directory (SAOLUU_DATA_DIR)")
    parser = argparse.ArgumentParser(prog="python -m sync_server", description="SaoLuu sync server")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", parents=[common], help="chạy máy chủ / run the server")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--demo", action="store_true", help="nạp dữ liệu demo / load demo data")
    p.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("SAOLUU_WORKERS", "1")),
        help="số tiến trình xử lý / worker processes (SAOLUU_WORKERS, default 1)",
    )
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("create-user", parents=[common], help="tạo người dùng (mật khẩu từ stdin)")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--agency", action="append", help="mã cơ quan (lặp lại cho cán bộ khảo sát)")
    p.add_argument("--full-name", default="")
    p.set_defaults(func=cmd_create_user)

    p = sub.add_parser("import-agencies", parents=[common], help="nhập danh sách cơ quan (CSV/XLSX)")
    p.add_argument("file")
    p.set_defaults(func=cmd_import_agencies)

    p = sub.add_parser("enroll-code", parents=[common], help="mã kích hoạt máy tính bảng")
    p.add_argument("--user", required=True)
    p.add_argument("--png", help="lưu QR ra tệp PNG / save the QR as PNG")
    p.add_argument("--server", help="địa chỉ máy chủ trong QR / server address in the QR")
    p.set_defaults(func=cmd_enroll_code)

    p = sub.add_parser("migrate", parents=[common], help="nâng cấp cơ sở dữ liệu / upgrade the database")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser(
        "ingest-scans", parents=[common], help="nhận bản số hóa (PDF) từ một thư mục / ingest scanned masters"
    )
    p.add_argument("dir", help="thư mục bàn giao / delivered folder (see README: naming rule)")
    p.add_argument("--report", type=Path, help="tệp báo cáo .xlsx hoặc .csv / report file")
    p.add_argument("--user", help="người nhận (ghi vào lịch sử) / who takes the delivery in (audit)")
    p.set_defaults(func=cmd_ingest_scans)

    user = argparse.ArgumentParser(add_help=False)
    user.add_argument("--user", required=True, help="người thực hiện (ghi vào lịch sử) / acting user (audit)")

    p = sub.add_parser(
        "approve-list", parents=[common, user], help="lập danh mục được phê duyệt / freeze an approved list"
    )
    p.add_argument("--campaign", required=True, help="mã đợt khảo sát / campaign id")
    p.add_argument("--agency", action="append", help="mã cơ quan (lặp lại; bỏ trống: cả tỉnh) / agency code")
    p.add_argument("--supplement-to", type=int, help="bổ sung cho danh mục số / supplements list number")
    p.add_argument("--decision-number", required=True, help="số văn bản phê duyệt / decision number")
    p.add_argument("--decision-date", required=True, help="ngày văn bản (YYYY-MM-DD) / decision date")
    p.add_argument("--signer", required=True, help="người ký / signer")
    p.add_argument("--signer-position", required=True, help="chức vụ người ký / signer's position")
    p.add_argument("--scan", required=True, help="bản quét văn bản đã ký (PDF, JPEG, PNG) / signed scan")
    p.add_argument("--annex", help="ghi phụ lục .xlsx / write the annex (.xlsx)")
    p.set_defaults(func=cmd_approve_list)

    p = sub.add_parser(
        "list-annex", parents=[common, user], help="phụ lục danh mục / annex of an approved list"
    )
    p.add_argument("number", type=int)
    p.add_argument("out", help="tệp .xlsx / .xlsx file")
    p.set_defaults(func=cmd_list_annex)

    p = sub.add_parser(
        "plan-suggest", parents=[common, user], help="đề xuất kế hoạch số hóa / suggest the plan"
    )
    p.add_argument("--capacity", type=int, required=True, help="số trang mỗi năm / pages a year")
    p.add_argument("--year-capacity", action="append", help="NĂM=SỐ_TRANG cho năm khác / YEAR=PAGES")
    p.add_argument("--from-year", type=int, help="năm bắt đầu (mặc định năm nay) / first year")
    p.add_argument("--out", help="ghi từng hồ sơ, năm, lý do (.csv) / every file, its year, why (.csv)")
    p.add_argument("--apply", action="store_true", help="đưa vào kế hoạch / put it in the plan")
    p.set_defaults(func=cmd_plan_suggest)

    p = sub.add_parser(
        "boxes-overdue", parents=[common, user], help="hộp giao đi quá hạn / boxes out too long"
    )
    p.add_argument("--days", type=int, default=30)
    p.set_defaults(func=cmd_boxes_overdue)
    from sync_server.preservation_cli import add_commands

    add_commands(sub, common)  # copy sets, write-copy, verify-copy, fixity, handover

    p = sub.add_parser("backup", parents=[common], help="sao lưu cơ sở dữ liệu / back up the database")
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", parents=[common], help="khôi phục từ bản sao lưu / restore a backup")
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_restore)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ValidationError as exc:
        if exc.title != Settings.__name__:
            raise
        print(f"Cấu hình sai / Bad configuration: {_setting_errors(exc)}", file=sys.stderr)
        return 2


def _setting_errors(exc: ValidationError) -> str:
    """``SAOLUU_X: why; …`` for settings read from the environment."""
    parts = []
    for error in exc.errors():
        field = "_".join(str(part) for part in error["loc"])
        name = f"SAOLUU_{field.upper()}: " if field else ""
        parts.append(name + error["msg"].removeprefix("Value error, "))
    return "; ".join(parts)


if __name__ == "__main__":
    raise SystemExit(main())
