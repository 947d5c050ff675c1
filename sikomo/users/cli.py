"""Commands for accounts and a first start: `create-user` and `init`, in Indonesian."""

from pathlib import Path

import click
from sqlalchemy import func, select

from sikomo.models import Role

ROLE_WORDS = ", ".join(r.value for r in Role)


def ask_password(label: str = "Kata sandi") -> str:
    """A password typed twice without echo; asked again until both agree (Indonesian prompts)."""
    while True:
        first = click.prompt(label, hide_input=True)
        if first == click.prompt("Ulangi kata sandi", hide_input=True):
            return first
        click.echo("Kedua kata sandi tidak sama; ulangi.", err=True)


def role_of(text: str) -> Role:
    try:
        return Role(text.strip().lower())
    except ValueError:
        raise click.ClickException(
            f"Peran '{text}' tidak dikenal; pilih salah satu: {ROLE_WORDS}."
        ) from None


def cooperative_of(nik: str | None) -> int | None:
    from sikomo.extensions import db
    from sikomo.models import Cooperative

    if not nik:
        return None
    nik = "".join(nik.split())
    coop_id = db.session.scalar(select(Cooperative.id).where(Cooperative.nik == nik))
    if coop_id is None:
        raise click.ClickException(f"Tidak ada koperasi dengan NIK {nik} di register.")
    return coop_id


@click.command("create-user")
@click.option("--nama", "--name", "name", help="Nama lengkap.")
@click.option("--email", help="Email; dipakai untuk masuk.")
@click.option("--peran", "--role", "role", help=f"Salah satu: {ROLE_WORDS}.")
@click.option("--koperasi", "nik", help="NIK koperasi; wajib untuk pengurus.")
@click.option("--kata-sandi", "--password", "password", help="Tanpa ini, kata sandi ditanyakan.")
def create_user_command(name, email, role, nik, password):
    """Buat satu akun pengguna (pengurus diikat ke koperasi lewat NIK-nya)."""
    from sikomo.auth.operations import UserError, create_user

    name = name or click.prompt("Nama")
    email = email or click.prompt("Email")
    role = role_of(role or click.prompt(f"Peran ({ROLE_WORDS})"))
    if role == Role.PENGURUS and not nik:
        raise click.ClickException(
            "Pengurus wajib terikat pada satu koperasi: beri --koperasi NIK."
        )
    cooperative_id = cooperative_of(nik)
    password = password or ask_password()
    try:
        user = create_user("cli", name, email, password, role, cooperative_id)
    except UserError as exc:
        raise click.ClickException(str(exc)) from exc
    where = f", koperasi {user.cooperative.nama}" if user.cooperative else ""
    click.echo(f"Pengguna {user.email} ({user.role.label}{where}) dibuat.")


NEXT_STEPS = """
Langkah berikutnya:
  1. Pastikan lingkungan produksi memuat FLASK_SECRET_KEY (acak, rahasia), DATABASE_URL dan
     SIKOMO_PUBLIC_URL (alamat publik, mis. https://sikomo.example.go.id), serta SIKOMO_SMTP_*
     bila surel dipakai (docs/deploy.md).
  2. Impor register koperasi:  flask --app sikomo import-koperasi register.xlsx
  3. Masuk sebagai admin, lalu buat akun pengawas, staf Dinas dan pengurus di menu Pengguna.
  4. Atur kop surat, batas waktu laporan dan target indikator di menu Pengaturan.
  5. Jadwalkan cron: pengingat (flask --app sikomo remind), pengiriman surel
     (flask --app sikomo kirim-surel) dan cadangan (flask --app sikomo backup).
"""


@click.command("init")
@click.option(
    "--regions",
    "regions_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV kabupaten,kecamatan,desa; tanpa ini: kecamatan bawaan Kabupaten Mojokerto.",
)
@click.option("--admin-nama", "admin_name", help="Nama admin pertama.")
@click.option("--admin-email", help="Email admin pertama.")
@click.option("--admin-kata-sandi", "admin_password", help="Tanpa ini, kata sandi ditanyakan.")
def init_command(regions_file, admin_name, admin_email, admin_password):
    """Siapkan basis data baru untuk produksi: migrasi, kecamatan/desa, dan admin pertama.

    Aman dijalankan ulang: yang sudah ada dilewati."""  # fmt: skip
    from flask_migrate import upgrade

    from sikomo.auth.operations import UserError, create_user
    from sikomo.extensions import db
    from sikomo.models import Region, User
    from sikomo.regions import DEFAULT_FILE, load_regions

    click.echo("1. Memperbarui struktur basis data…")
    upgrade()
    click.echo("   Struktur basis data mutakhir.")

    regions = db.session.scalar(select(func.count()).select_from(Region))
    if regions_file is None and regions:
        click.echo(
            f"2. Sudah ada {regions} kecamatan; dilewati (pakai --regions FILE untuk memuat ulang)."
        )
    else:
        path = regions_file or DEFAULT_FILE
        changed = load_regions("init", path)
        total = db.session.scalar(select(func.count()).select_from(Region))
        click.echo(f"2. Kecamatan dari {path.name}: {changed} baru/diubah, {total} seluruhnya.")

    from sikomo.letters.operations import ensure_templates

    added = ensure_templates("init")
    click.echo(f"   Templat surat bawaan: {added} dimuat." if added else
               "   Templat surat sudah ada; dilewati.")  # fmt: skip

    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN, User.active.is_(True)))
    if admin is not None:
        click.echo(f"3. Admin sudah ada ({admin.email}); dilewati.")
    else:
        click.echo("3. Admin pertama:")
        name = admin_name or click.prompt("   Nama")
        email = admin_email or click.prompt("   Email")
        while True:
            password = admin_password or ask_password("   Kata sandi")
            try:
                admin = create_user("init", name, email, password, Role.ADMIN)
                break
            except UserError as exc:
                if admin_password:  # given on the command line: nothing to ask again
                    raise click.ClickException(str(exc)) from exc
                click.echo(f"   {exc}", err=True)
        click.echo(f"   Admin {admin.email} dibuat.")
    click.echo(NEXT_STEPS)
