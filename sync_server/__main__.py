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


def print_banner(settings: Settings, accounts: list) -> None:  # type: ignore[type-arg]
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

    from sync_server.auth import principal_for
    from sync_server.domain.scans.ingest import ingest_folder
    from sync_server.domain.scans.report import reason_text, write_report
    from sync_server.domain.users import get_user
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
            actor = principal_for(session, get_user(session, args.user)) if args.user else None
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
