"""Demo data: a province's agency list, a campaign and one account per role."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from common import schemas as s
from common.vocab import AgencyKind, Role
from sync_server.auth import password_weakness
from sync_server.domain.agencies import import_agencies
from sync_server.domain.campaigns import save_campaign
from sync_server.domain.users import UserCreate, create_user
from sync_server.models import Agency, Campaign, User

AGENCIES_CSV = Path(__file__).parent / "agencies.csv"
CREDENTIALS_FILE = "demo-accounts.txt"
DEMO_CAMPAIGN_ID = uuid.uuid5(uuid.NAMESPACE_URL, "saoluu:demo-campaign:2026")


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
    home_affairs = _agency_by_name(session, "Sở Nội vụ")
    active = session.exec(
        select(Agency)
        .where(Agency.status == "active", col(Agency.in_deposit_list).is_(True))
        .order_by(col(Agency.code))
    ).all()
    departments = [a.code for a in active if a.kind == AgencyKind.DEPARTMENT][:6]
    others = [a.code for a in active if a.kind != AgencyKind.DEPARTMENT][:6]
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
    write_accounts(cred_path, accounts)
    return accounts


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
