"""``python -m mobile_app [--web --host H --port P] [--data-dir D] [--enroll-server URL --enroll-code C]
[--[no-]secure-storage]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mobile_app.container import build_container, default_data_dir


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m mobile_app", description="SaoLuu tablet app")
    p.add_argument("--web", action="store_true", help="serve in a browser (offline: no CDN)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8550)
    p.add_argument("--data-dir", type=Path, default=None, help=f"local data (default {default_data_dir()})")
    p.add_argument("--enroll-server", help="enroll before starting (scripts, demos): server address")
    p.add_argument("--enroll-code", help="… and the one-time enrollment code")
    p.add_argument(
        "--secure-storage",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="keep the device token in the platform's secure storage (default: native app yes, web no)",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    container = build_container(args.data_dir)
    if args.enroll_code and not container.prefs.enrolled:
        model = container.enrollment()
        model.set("server_url", args.enroll_server or "http://127.0.0.1:8000")
        model.set("code", args.enroll_code)
        if not model.submit():
            error = model.error
            print(f"Kích hoạt thất bại / enrollment failed: {error.vi if error else ''}", file=sys.stderr)
            return 2
        print(f"Đã kích hoạt cho / enrolled for {container.prefs.username}", flush=True)
    from mobile_app.app import run

    run(container, web=args.web, host=args.host, port=args.port, secure_storage=args.secure_storage)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
