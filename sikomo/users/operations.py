"""Accounts the office manages: create, edit, (de)activate, and send a link to set a password.

Who manages whom: an admin manages every account; a dinas user manages pengurus, pengawas and
dinas accounts but not an admin's (no one raises their own rights through another account). No
one deactivates or demotes themselves, and the last active admin stays. A new account has no
password: its user sets one through the invitation link. Every change is audited; a change of role,
cooperative or state ends the user's sessions, so new rights take effect at once.
"""

import secrets
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select

from sikomo import audit
from sikomo.auth.operations import find_user
from sikomo.extensions import db
from sikomo.models import Cooperative, LinkPurpose, Role, User, UserSession
from sikomo.sessions import operations as sessions
from sikomo.users import links

EDITABLE = ("name", "email", "role", "cooperative_id", "nip", "jabatan")
NO_PASSWORD = "!"  # a password_hash starting so verifies nothing: the invitation sets one


class UserRefused(ValueError):
    """The change is refused; the message says why in Indonesian and `field` names the input."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def manageable_roles(actor: User) -> tuple[Role, ...]:
    if actor.role == Role.ADMIN:
        return tuple(Role)
    return (Role.PENGURUS, Role.PENGAWAS, Role.DINAS) if actor.role == Role.DINAS else ()


def may_manage(actor: User, user: User) -> bool:
    return user.role in manageable_roles(actor)


def has_password(user: User) -> bool:
    return not (user.password_hash or NO_PASSWORD).startswith(NO_PASSWORD)


def check(actor: User, values: dict, user: User | None = None) -> None:
    role = values["role"]
    if role not in manageable_roles(actor):
        raise UserRefused(f"Anda tidak dapat memberi peran {role.label}.", "role")
    if role == Role.PENGURUS and values.get("cooperative_id") is None:
        raise UserRefused("Pengurus wajib terikat pada satu koperasi.", "koperasi")
    other = find_user(values["email"])
    if other is not None and (user is None or other.id != user.id):
        raise UserRefused(f"Email {values['email']} sudah dipakai akun lain.", "email")
    if user is not None and user.id == actor.id and role != user.role:
        raise UserRefused("Anda tidak dapat mengubah peran Anda sendiri.", "role")
    if user is not None and user.role == Role.ADMIN and role != Role.ADMIN:
        last_admin_stays(user)


def last_admin_stays(user: User) -> None:
    others = db.session.scalar(
        select(func.count()).select_from(User)
        .where(User.role == Role.ADMIN, User.active.is_(True), User.id != user.id)
    )  # fmt: skip
    if not others:
        raise UserRefused("Ini admin aktif terakhir; angkat admin lain lebih dulu.")


def normalised(values: dict) -> dict:
    out = {key: values.get(key) for key in EDITABLE}
    out["email"] = values["email"].strip().lower()
    if out["role"] != Role.PENGURUS:
        out["cooperative_id"] = None
    return out


def create(actor: User, values: dict) -> tuple[User, links.Issued]:
    """A new account without a password and its invitation link (e-mailed; shown to the actor)."""
    values = normalised(values)
    check(actor, values)
    user = User(**values, password_hash=NO_PASSWORD + secrets.token_hex(16), active=True)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", user, None, audit.snapshot(user, exclude=("password_hash",)))
    issued = links.issue(actor, user, LinkPurpose.UNDANGAN)
    send_link(user, issued)
    db.session.commit()
    return user, issued


def edit(actor: User, user: User, values: dict) -> bool:
    """Store the edited fields; False when nothing changed."""
    if not may_manage(actor, user):
        raise UserRefused("Anda tidak dapat mengubah akun ini.")
    values = normalised(values)
    check(actor, values, user)
    before = {key: getattr(user, key) for key in EDITABLE}
    if before == values:
        return False
    for key, value in values.items():
        setattr(user, key, value)
    changed = {key for key in EDITABLE if before[key] != values[key]}
    after = {key: values[key] for key in changed}
    if changed & {"role", "cooperative_id", "email"} and user.id != actor.id:
        after["sesi_diakhiri"] = sessions.end_all(user, "hak_diubah")
    audit.record(actor, "user.edit", user, {key: before[key] for key in changed}, after)
    db.session.commit()
    return True


def set_active(actor: User, user: User, active: bool) -> bool:
    """Deactivate (every session ends at once) or reactivate; False when already so."""
    if not may_manage(actor, user):
        raise UserRefused("Anda tidak dapat mengubah akun ini.")
    if user.active == active:
        return False
    if not active and user.id == actor.id:
        raise UserRefused("Anda tidak dapat menonaktifkan akun Anda sendiri.")
    if not active and user.role == Role.ADMIN:
        last_admin_stays(user)
    user.active = active
    after: dict = {"active": active}
    if not active:
        after["sesi_diakhiri"] = sessions.end_all(user, "dinonaktifkan")
    audit.record(actor, "user.activate" if active else "user.deactivate", user,
                 {"active": not active}, after)  # fmt: skip
    db.session.commit()
    return True


def send_password_link(actor, user: User) -> links.Issued:
    """A fresh invitation (no password yet) or reset link for `user`, e-mailed; older ones end."""
    if actor.id != user.id and not may_manage(actor, user):
        raise UserRefused("Anda tidak dapat mengubah akun ini.")
    if not user.active:
        raise UserRefused("Akun ini nonaktif; aktifkan dulu.")
    purpose = LinkPurpose.RESET if has_password(user) else LinkPurpose.UNDANGAN
    issued = links.issue(actor, user, purpose)
    send_link(user, issued)
    db.session.commit()
    return issued


def forgotten(email: str) -> None:
    """Someone says they forgot the password of `email`: a reset link goes to that address if an
    active account has it. The caller answers the same either way (no telling which exist)."""
    user = find_user(email)
    if user is None or not user.active:
        return
    send_password_link(user, user)


def send_link(user: User, issued: links.Issued) -> None:
    from sikomo.notify.operations import email

    purpose = issued.row.purpose
    url = issued.url
    lifetime = links.LIFETIME_WORDS[purpose]
    if purpose == LinkPurpose.UNDANGAN:
        subject = "Undangan ke SIKOMO"
        opening = (f"Anda didaftarkan di SIKOMO sebagai {user.role.label}"
                   + (f" {user.cooperative.nama}" if user.cooperative else "") + ".")  # fmt: skip
        action = "Buat kata sandi Anda lewat tautan berikut"
    else:
        subject = "Atur ulang kata sandi SIKOMO"
        opening = "Ada permintaan untuk mengatur ulang kata sandi akun SIKOMO Anda."
        action = "Buat kata sandi baru lewat tautan berikut"
    body = (f"Yth. {user.name},\n\n{opening}\n{action} (berlaku {lifetime}, sekali pakai):\n\n"
            f"{url}\n\nJika Anda tidak merasa meminta ini, abaikan surel ini.\n")  # fmt: skip
    email(f"user.link_{purpose.value}", user.email, subject, body, recipient=user, secret=True)


@dataclass(frozen=True)
class Match:
    cooperative: Cooperative | None
    candidates: list[Cooperative]


CANDIDATES = 20  # at most this many cooperatives to choose from


def find_cooperatives(text: str, limit: int = CANDIDATES + 1) -> list[Cooperative]:
    """Cooperatives whose NIK starts with `text` or whose name holds every word of it."""
    text = " ".join((text or "").split())[:200]
    if not text:
        return []
    words = [
        w.replace("\\", "").replace("%", r"\%").replace("_", r"\_") for w in text.lower().split()
    ]
    name_has_all = and_(*[func.lower(Cooperative.nama).like(f"%{w}%", escape="\\") for w in words])
    nik_prefix = text.replace(" ", "").replace("%", "").replace("_", "")
    condition = name_has_all
    if nik_prefix.isdigit():
        condition = or_(Cooperative.nik.like(nik_prefix + "%"), name_has_all)
    query = select(Cooperative).where(condition).order_by(Cooperative.nama, Cooperative.id)
    return list(db.session.scalars(query.limit(limit)))


def match_cooperative(text: str) -> Match:
    """The one cooperative `text` names (its NIK, or a name that only one holds), else the
    candidates to choose from."""
    text = " ".join((text or "").split())
    if not text:
        return Match(None, [])
    if text.isdigit():
        exact = db.session.scalar(select(Cooperative).where(Cooperative.nik == text))
        if exact is not None:
            return Match(exact, [exact])
    candidates = find_cooperatives(text)
    same_name = [c for c in candidates if c.nama.lower() == text.lower()]
    if len(same_name) == 1:
        return Match(same_name[0], candidates)
    return Match(candidates[0] if len(candidates) == 1 else None, candidates)


def listing_query(actor: User, q: str = "", role: str = "", status: str = ""):
    """The accounts the actor may see, by name."""
    query = select(User).where(User.role.in_(manageable_roles(actor)))
    if q := " ".join((q or "").split())[:200].lower():
        for word in q.split():
            pattern = "%" + word.replace("%", r"\%").replace("_", r"\_") + "%"
            query = query.where(or_(func.lower(User.name).like(pattern, escape="\\"),
                                    func.lower(User.email).like(pattern, escape="\\")))  # fmt: skip
    if role in set(Role):
        query = query.where(User.role == Role(role))
    if status == "aktif":
        query = query.where(User.active.is_(True))
    elif status == "nonaktif":
        query = query.where(User.active.is_(False))
    elif status == "undangan":
        query = query.where(User.password_hash.like(NO_PASSWORD + "%"))
    return query.order_by(User.name, User.id)


def last_logins(users: list[User]) -> dict[int, object]:
    """{user id: when their newest session began} for one page of users, in one query."""
    ids = [u.id for u in users]
    if not ids:
        return {}
    rows = db.session.execute(
        select(UserSession.user_id, func.max(UserSession.created_at))
        .where(UserSession.user_id.in_(ids)).group_by(UserSession.user_id)
    )  # fmt: skip
    return {user_id: at for user_id, at in rows}
