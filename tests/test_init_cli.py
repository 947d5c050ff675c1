"""`flask init` on an empty database, then an import; `create-user` by NIK, in Indonesian."""

import pytest
from sqlalchemy import func, select

from sikomo import create_app
from sikomo.extensions import db
from sikomo.models import Cooperative, Region, Role, User
from sikomo.regions import DEFAULT_FILE, read_regions

PASSWORD = "kerbau merah makan tahu goreng"
REGISTER = (
    "nik;nama;kecamatan;desa;jenis;simpan_pinjam;nomor_badan_hukum;tanggal_badan_hukum;alamat\n"
    "3516010000000077;KSP Gedeg Makmur;Gedeg;Gedeg;KSP;ya;518/01/BH/2001;2001-05-02;Jl. Raya 1\n"
)


@pytest.fixture
def empty_app(tmp_path):
    url = "sqlite:///" + str(tmp_path / "kosong.db")
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():  # as the flask command pushes one
        yield app
        db.session.remove()
        db.engine.dispose()


def test_init_on_an_empty_database_then_import_succeeds(empty_app, tmp_path):
    runner = empty_app.test_cli_runner()
    result = runner.invoke(
        args=["init"], input=f"Admin Dinas\nadmin@dinas.test\n{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert (
        "Admin admin@dinas.test dibuat" in result.output and "Langkah berikutnya" in result.output
    )
    expected = len(read_regions(DEFAULT_FILE))
    assert db.session.scalar(select(func.count()).select_from(Region)) == expected
    admin = db.session.scalar(select(User))
    assert admin.role == Role.ADMIN and admin.check_password(PASSWORD)
    register = tmp_path / "register.csv"
    register.write_text(REGISTER, encoding="utf-8")
    imported = runner.invoke(args=["import-koperasi", str(register)])
    assert imported.exit_code == 0, imported.output
    coop = db.session.scalar(select(Cooperative))
    assert (coop.nama, coop.region.kecamatan) == ("KSP Gedeg Makmur", "Gedeg")

    again = runner.invoke(args=["init"])  # idempotent: nothing asked, nothing doubled
    assert again.exit_code == 0, again.output
    assert "Admin sudah ada (admin@dinas.test)" in again.output and "dilewati" in again.output


def test_init_loads_a_given_region_file_and_asks_again_after_a_weak_password(empty_app, tmp_path):
    regions = tmp_path / "wilayah.csv"
    regions.write_text("kabupaten,kecamatan,desa\nKabupaten Contoh,Barat,Satu\n"
                       "Kabupaten Contoh,Barat,Dua\nKabupaten Contoh,Timur,Tiga\n")  # fmt: skip
    typed = f"Admin\nadmin@dinas.test\npendek\npendek\n{PASSWORD}\nsalah ketik\n{PASSWORD}\n{PASSWORD}\n"
    result = empty_app.test_cli_runner().invoke(
        args=["init", "--regions", str(regions)], input=typed
    )
    assert result.exit_code == 0, result.output
    assert "paling sedikit 12" in result.output and "tidak sama" in result.output
    regions = {r.kecamatan: r.desa for r in db.session.scalars(select(Region))}
    assert regions == {"Barat": ["Satu", "Dua"], "Timur": ["Tiga"]}


def test_create_user_links_a_pengurus_by_nik_and_speaks_indonesian(app, runner, make_cooperative):
    coop = make_cooperative("KSP Bina Usaha", nik="3516010000000042")
    result = runner.invoke(args=["create-user", "--nama", "Bu Tini", "--email", "tini@contoh.test",
                                 "--peran", "pengurus", "--koperasi", "3516 0100 0000 0042"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Ulangi kata sandi" in result.output and "Repeat" not in result.output
    user = db.session.scalar(select(User).where(User.email == "tini@contoh.test"))
    assert user.cooperative_id == coop.id and user.check_password(PASSWORD)
    unknown = runner.invoke(args=["create-user", "--nama", "X", "--email", "x@contoh.test",
                                  "--peran", "pengurus", "--koperasi", "999",
                                  "--kata-sandi", PASSWORD])  # fmt: skip
    assert unknown.exit_code != 0 and "Tidak ada koperasi dengan NIK 999" in unknown.output
    bad_role = runner.invoke(args=["create-user", "--nama", "X", "--email", "x@contoh.test",
                                   "--peran", "raja", "--kata-sandi", PASSWORD])  # fmt: skip
    assert bad_role.exit_code != 0 and "Peran 'raja' tidak dikenal" in bad_role.output
