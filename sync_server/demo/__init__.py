"""Demo data: the agency list of Đà Nẵng City as it stands after 1 July 2025, a campaign, the closed
fonds of bodies that no longer exist and one account per role.

On 1 July 2025 Quảng Nam province was merged into the centrally-run Đà Nẵng City and the district
level stopped operating. The list keeps the former Quảng Nam departments (status *merged*, with the
Đà Nẵng department that took them over), the Quảng Nam historical archive merged into Đà Nẵng's,
and the dissolved district people's committees, whose fonds are now closed (*phông đóng*) and
still to be surveyed. The surveyor khaosat1 lists the records of former Quảng Nam departments,
khaosat2 other bodies and two dissolved district committees. The identifier codes are
illustrative, not the official ones.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from common import schemas as s
from common.protocol import Change, PushRequest
from common.vocab import AgencyKind, Role
from sync_server.auth import Principal, password_weakness
from sync_server.domain.agencies import import_agencies
from sync_server.domain.campaigns import save_campaign
from sync_server.domain.ingest import push
from sync_server.domain.users import UserCreate, create_user
from sync_server.models import Agency, Campaign, User

AGENCIES_CSV = Path(__file__).parent / "agencies.csv"
CREDENTIALS_FILE = "demo-accounts.txt"
DEMO_CAMPAIGN_ID = uuid.uuid5(uuid.NAMESPACE_URL, "saoluu:demo-campaign:2026")
CLOSED_FONDS: tuple[tuple[str, str, str, int, float], ...] = (
    # agency, fonds number, fonds name, first year, shelf metres
    ("000.00.30.H47", "30", "UBND thành phố Tam Kỳ", 1997, 64.5),
    ("000.00.31.H47", "31", "UBND thành phố Hội An", 1976, 88.0),
    ("000.00.32.H47", "32", "UBND thị xã Điện Bàn", 1976, 57.0),
    ("000.00.33.H47", "33", "UBND huyện Duy Xuyên", 1976, 41.5),
)
CLOSED_NOTE = "Phông đóng: cơ quan giải thể từ ngày 01/7/2025 (kết thúc hoạt động cấp huyện)."


@dataclass
class DemoAccount:
    username: str
    password: str
    role: str
    note: str


def _agency_by_name(session: Session, fragment: str) -> Agency:
    agency = session.exec(select(Agency).where(col(Agency.name).contains(fragment))).first()
    if agency is None:
        raise LookupError(fragment)
    return agency


def _password() -> str:
    """A random password that passes the password rule (as good as every random one does)."""
    while password_weakness(password := secrets.token_urlsafe(9)):
        pass
    return password


def seed_demo(session: Session, data_dir: Path) -> list[DemoAccount]:
    """Load the demo data once; later calls only read back the accounts file."""
    cred_path = data_dir / CREDENTIALS_FILE
    if session.exec(select(User)).first() is not None:
        return read_accounts(cred_path)
    if session.exec(select(Agency)).first() is None:
        import_agencies(session, None, AGENCIES_CSV.name, AGENCIES_CSV.read_bytes())
    if session.get(Campaign, str(DEMO_CAMPAIGN_ID)) is None:
        save_campaign(
            session,
            None,
            s.Campaign(id=DEMO_CAMPAIGN_ID, year=2026, name="Khảo sát, thống kê tài liệu năm 2026"),
        )
    home_affairs = _agency_by_name(session, "Sở Nội vụ thành phố Đà Nẵng")
    deposit = session.exec(
        select(Agency).where(col(Agency.in_deposit_list).is_(True)).order_by(col(Agency.code))
    ).all()
    active = [a for a in deposit if a.status == "active"]
    # khaosat1 lists the records of the former Quảng Nam departments (now with their Đà Nẵng
    # successors), khaosat2 other bodies and the closed fonds of two dissolved district committees
    departments = [a.code for a in deposit if a.status == "merged" and a.kind == AgencyKind.DEPARTMENT][:6]
    closed = [a.code for a in deposit if a.status == "dissolved" and a.kind == AgencyKind.DISTRICT]
    others = [a.code for a in active if a.kind != AgencyKind.DEPARTMENT][:4] + closed[:2]
    plan = [
        ("admin", Role.ADMIN, "Quản trị hệ thống", None, []),
        ("canbo.luutru", Role.REVIEWER, "Nguyễn Thị Lan (Trung tâm Lưu trữ)", None, []),
        ("thutruong.snv", Role.AGENCY_HEAD, "Trần Văn Hùng (Giám đốc Sở Nội vụ)", home_affairs.code, []),
        ("khaosat1", Role.SURVEYOR, "Lê Minh Tuấn", None, departments),
        ("khaosat2", Role.SURVEYOR, "Phạm Thị Hoa", None, others),
        ("sohoa1", Role.DIGITIZATION_OPERATOR, "Võ Văn Nam (đơn vị số hóa)", None, []),
    ]
    accounts: list[DemoAccount] = []
    for username, role, full_name, agency, assigned in plan:
        password = _password()
        create_user(
            session,
            None,
            UserCreate(
                username=username,
                password=password,
                role=role,
                full_name=full_name,
                agency_code=agency,
                assigned_agencies=assigned,
            ),
        )
        note = agency or ", ".join(assigned)
        accounts.append(DemoAccount(username, password, role.value, note))
    _add_closed_fonds(session)
    write_accounts(cred_path, accounts)
    return accounts


def _add_closed_fonds(session: Session) -> None:
    """The fonds of district committees dissolved on 1 July 2025: closed, still to be surveyed."""
    admin = session.exec(select(User).where(User.role == Role.ADMIN.value)).first()
    assert admin is not None and admin.id is not None
    principal = Principal(user_id=admin.id, username=admin.username, role=Role.ADMIN, agency_codes=None)
    changes = [
        Change(
            type="fonds",
            id=uuid.uuid5(uuid.NAMESPACE_URL, f"saoluu:demo-fonds:{agency}:{number}"),
            rev=1,
            data=s.Fonds(
                id=uuid.uuid5(uuid.NAMESPACE_URL, f"saoluu:demo-fonds:{agency}:{number}"),
                agency_code=agency,
                number=number,
                name=f"Phông {name}",
                start_year=start,
                end_year=2025,
                shelf_metres=metres,
                notes=CLOSED_NOTE,
            ).model_dump(mode="json"),
        )
        for agency, number, name, start, metres in CLOSED_FONDS
    ]
    push(session, principal, PushRequest(batch_id=uuid.uuid4(), changes=changes))


def write_accounts(path: Path, accounts: list[DemoAccount]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{a.username}\t{a.password}\t{a.role}\t{a.note}" for a in accounts]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)


def read_accounts(path: Path) -> list[DemoAccount]:
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 4:
            out.append(DemoAccount(*parts))
    return out
