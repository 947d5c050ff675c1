"""Idempotent demo data: regions, ~555 cooperatives, three years of reports, one user per role."""

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

import scoring
from sikomo import audit, prior_year
from sikomo.assessments import is_health_scored, new_assessment, run_engine
from sikomo.auth.operations import create_user, find_user
from sikomo.demo.finance import with_lalu, year_figures
from sikomo.extensions import db
from sikomo.indicators.operations import load_definitions, load_demo_targets
from sikomo.models import (
    Assessment,
    AssessmentStatus,
    Cooperative,
    Jenis,
    Region,
    Report,
    ReportStatus,
    Role,
    Setting,
    User,
)
from sikomo.regions import load_regions
from sikomo.review.operations import certificate_number
from sikomo.settings import set_setting

YEARS = (2023, 2024, 2025)
SEED = 20251231
# (jenis, count, how many of them run simpan pinjam): 555 in all, 398 KSP/USP.
JENIS_SPREAD = (
    (Jenis.KSP, 220, 220),
    (Jenis.USP, 60, 60),
    (Jenis.SERBA_USAHA, 150, 118),
    (Jenis.KONSUMEN, 60, 0),
    (Jenis.PRODUSEN, 25, 0),
    (Jenis.JASA, 15, 0),
    (Jenis.PEMASARAN, 10, 0),
    (Jenis.KDKMP, 15, 0),
)
# Larger kecamatan hold more cooperatives; weights follow the alphabetical region list.
KECAMATAN_WEIGHT = {"Mojosari": 3, "Sooko": 2.5, "Puri": 2.5, "Ngoro": 2, "Trowulan": 2}
NAME_WORDS = (
    "Sejahtera", "Makmur", "Bina Usaha", "Mitra Mandiri", "Karya Bersama", "Tunas Harapan",
    "Artha Jaya", "Sumber Rejeki", "Maju Bersama", "Guyub Rukun", "Amanah", "Berkah",
)  # fmt: skip
JENIS_PREFIX = {
    Jenis.KSP: "KSP",
    Jenis.USP: "Koperasi",
    Jenis.SERBA_USAHA: "KSU",
    Jenis.KONSUMEN: "Koperasi Konsumen",
    Jenis.PRODUSEN: "Koperasi Produsen",
    Jenis.JASA: "Koperasi Jasa",
    Jenis.PEMASARAN: "Koperasi Pemasaran",
    Jenis.KDKMP: "KDKMP",
}
DEMO_USERS = (
    ("Admin Demo", "admin@sikomo.test", "admin-demo-123", Role.ADMIN),
    ("Staf Dinas Demo", "dinas@sikomo.test", "dinas-demo-123", Role.DINAS),
    ("Pengawas Demo", "pengawas@sikomo.test", "pengawas-demo-123", Role.PENGAWAS),
    ("Pengurus Demo", "pengurus@sikomo.test", "pengurus-demo-123", Role.PENGURUS),
)

# Printed on the demo's certificates: a letterhead and the signers' NIP and jabatan (made up).
DEMO_SIGNERS = {
    "dinas@sikomo.test": ("197001011995031001", "Kepala Bidang Pengawasan Koperasi"),
    "pengawas@sikomo.test": ("198503152010012003", "Pengawas Koperasi Ahli Muda"),
}
DEMO_LETTERHEAD = {
    "kop_pemerintah": "Pemerintah Kabupaten Mojokerto",
    "kop_dinas": "Dinas Koperasi dan Usaha Mikro",
    "kop_alamat": "Jl. Contoh No. 1, Mojokerto 61300 · Telp. (0321) 000 000 (alamat demo)",
}


def seed_demo() -> dict:
    """Create what is missing of the demo data set; running it again adds nothing."""
    load_regions("seed-demo")
    rng = random.Random(SEED)
    plans = cooperative_plans(rng)
    created_coops = ensure_cooperatives(plans)
    created_reports = ensure_reports(plans)
    users = ensure_users()
    created_assessments = ensure_assessments()
    load_definitions("seed-demo")
    load_demo_targets("seed-demo")
    counts = {
        "koperasi": created_coops,
        "laporan": created_reports,
        "penilaian": created_assessments,
    }
    if any(counts.values()):
        audit.record("seed-demo", "demo.seed", None, None, counts)
        db.session.commit()
    return counts | {"pengguna": users}


def cooperative_plans(rng: random.Random) -> list[dict]:
    regions = list(db.session.scalars(select(Region).order_by(Region.kecamatan)))
    weights = [KECAMATAN_WEIGHT.get(r.kecamatan, 1) for r in regions]
    plans = []
    for jenis, count, with_sp in JENIS_SPREAD:
        for i in range(count):
            region = rng.choices(regions, weights)[0]
            plans.append(plan(rng, len(plans) + 1, jenis, i < with_sp, region))
    return plans


def plan(rng: random.Random, number: int, jenis: Jenis, sp: bool, region: Region) -> dict:
    desa = rng.choice(region.desa) if region.desa else None
    founded = date(1985, 1, 1) + timedelta(days=rng.randint(0, 14000))
    if jenis == Jenis.KDKMP:
        founded = date(2025, 7, 1) + timedelta(days=rng.randint(0, 60))
    return {
        "nik": f"3516{number:012d}",
        "nama": f"{JENIS_PREFIX[jenis]} {rng.choice(NAME_WORDS)} {desa or region.kecamatan}",
        "jenis": jenis,
        "simpan_pinjam": sp,
        "region_id": region.id,
        "desa": desa,
        "alamat": f"Jl. {rng.choice(NAME_WORDS)} No. {rng.randint(1, 120)}",
        "nomor_badan_hukum": f"{rng.randint(100, 999)}/BH/XVI.{rng.randint(1, 30)}/{founded.year}",
        "tanggal_badan_hukum": founded,
        "tanggal_binaan": max(founded, date(2016, 1, 1)) + timedelta(days=rng.randint(0, 300)),
        "total_aset": int(min(max(rng.lognormvariate(20.0, 1.1), 3e7), 5e10)),
        "anggota": rng.randint(20, 1500),
        # about one in five is tidak aktif: no RAT held for one or both of the last book years
        "rat_missing": rng.choice(((), (), (), (), (2025,), (2024, 2025)))
        if rng.random() < 0.57
        else (),
        "rng_state": rng.random(),
    }


def ensure_cooperatives(plans: list[dict]) -> int:
    existing = set(db.session.scalars(select(Cooperative.nik)))
    fields = ("nik", "nama", "jenis", "simpan_pinjam", "region_id", "desa", "alamat",
              "nomor_badan_hukum", "tanggal_badan_hukum", "tanggal_binaan")  # fmt: skip
    new = [Cooperative(**{f: p[f] for f in fields}, jumlah_anggota=p["anggota"])
           for p in plans if p["nik"] not in existing]  # fmt: skip
    db.session.add_all(new)
    db.session.commit()
    return len(new)


def ensure_reports(plans: list[dict]) -> int:
    ids = dict(db.session.execute(select(Cooperative.nik, Cooperative.id)).all())
    have = set(db.session.execute(select(Report.cooperative_id, Report.tahun_buku)).all())
    created = 0
    for p in plans:
        for tahun, data, status in report_series(p):
            if (ids[p["nik"]], tahun) in have:
                continue
            db.session.add(report_row(ids[p["nik"]], tahun, data, status))
            created += 1
    db.session.commit()
    return created


def report_series(p: dict):
    """Yield (tahun_buku, data, status) for the demo years; the first year's `_lalu` is made up."""
    rng = random.Random(p["rng_state"])
    founded = p["tanggal_badan_hukum"].year
    aset, anggota = p["total_aset"], p["anggota"]
    previous = year_figures(rng, int(aset / rng.uniform(0.9, 1.2)), anggota, p["simpan_pinjam"])
    for tahun in YEARS:
        aset = int(aset * rng.uniform(0.9, 1.25))
        anggota = max(10, int(anggota * rng.uniform(0.95, 1.1)))
        current = year_figures(rng, aset, anggota, p["simpan_pinjam"])
        if tahun >= founded:
            data = identity(rng, p, tahun) | with_lalu(current, previous)
            if p["simpan_pinjam"]:
                data["kuesioner"] = answers(rng, p["rng_state"])
            yield tahun, data, status(rng, tahun)
        previous = current


def answers(rng: random.Random, quality_seed: float) -> dict[str, bool]:
    """Questionnaire answers: each cooperative fulfils a steady share (55–100 %) of the items."""
    ruleset = scoring.builtin_rulesets()["permenkop_9_2020"]
    share = 0.55 + 0.45 * quality_seed
    items = sorted(i.code for ind in ruleset.indicators if ind.enabled for i in ind.items)
    return {code: rng.random() < share for code in items}


def identity(rng: random.Random, p: dict, tahun: int) -> dict:
    data = {"tahun_buku": tahun, "jenis": p["jenis"].value, "nik": p["nik"]}
    if tahun not in p["rat_missing"]:
        held = date(tahun + 1, 1, 15) + timedelta(days=rng.randint(0, 150))
        data["tanggal_rat"] = held.isoformat()
    return data


def status(rng: random.Random, tahun: int) -> ReportStatus:
    if tahun < YEARS[-1]:
        return ReportStatus.DISETUJUI
    roll = rng.random()
    if roll < 0.6:
        return ReportStatus.DISETUJUI
    return ReportStatus.DIAJUKAN if roll < 0.97 else ReportStatus.DRAF


def report_row(cooperative_id: int, tahun: int, data: dict, status: ReportStatus) -> Report:
    report = Report(cooperative_id=cooperative_id, tahun_buku=tahun, version=1, status=status,
                    data=data)  # fmt: skip
    if status == ReportStatus.DIAJUKAN:  # came in over the last 60 days: some wait too long
        waited = random.Random(f"{cooperative_id}-{tahun}").randint(1, 60)
        report.submitted_at = datetime.now(UTC) - timedelta(days=waited)
    elif status == ReportStatus.DISETUJUI:  # sent 1 to 45 days after the RAT: most on time
        held = data.get("tanggal_rat") or f"{tahun + 1}-06-30"
        after = random.Random(f"sent-{cooperative_id}-{tahun}").randint(1, 45)
        sent = datetime.fromisoformat(held).replace(hour=2, tzinfo=UTC) + timedelta(days=after)
        report.submitted_at = min(sent, datetime.now(UTC))
    return report


def ensure_users() -> list[tuple[str, str, str]]:
    """Create the four demo users if missing; return (role, email, password) for printing."""
    pengurus_coop = db.session.scalar(
        select(Cooperative.id).where(Cooperative.jenis == Jenis.KSP).order_by(Cooperative.id)
    )
    for name, email, password, role in DEMO_USERS:
        if find_user(email) is None:
            coop_id = pengurus_coop if role == Role.PENGURUS else None
            # published demo passwords (printed by seed-demo): the policy would refuse them
            user = create_user("seed-demo", name, email, password, role, coop_id, policy=False)
            user.nip, user.jabatan = DEMO_SIGNERS.get(email, (None, None))
    for key, value in DEMO_LETTERHEAD.items():
        if db.session.get(Setting, key) is None:
            set_setting(key, value)
    db.session.commit()
    return [(role.value, email, password) for _, email, password, role in DEMO_USERS]


def ensure_assessments() -> int:
    """Score every approved KSP/USP report without an assessment, approved as the engine rates it.

    Cooperatives come with the reports and last year's reports in one query per 500 cooperatives.
    """
    pengawas = db.session.scalar(select(User).where(User.email == "pengawas@sikomo.test"))
    assessed = select(Assessment.report_id)
    query = (
        select(Report)
        .join(Report.cooperative)
        .options(contains_eager(Report.cooperative))
        .where(Report.status == ReportStatus.DISETUJUI, Report.id.not_in(assessed))
    )
    reports = [r for r in db.session.scalars(query) if is_health_scored(r.cooperative)]
    previous = prior_year.previous_reports((r.cooperative_id, r.tahun_buku) for r in reports)
    rows = []
    with db.session.no_autoflush:  # one flush for all below: each flush refreshes derived data
        for report in reports:
            last_year = previous.get((report.cooperative_id, report.tahun_buku))
            result = run_engine(report, previous=last_year)
            row = new_assessment(report, result, AssessmentStatus.APPROVED)
            row.decided_by = pengawas
            row.decided_at = report.approved_at or report.updated_at
            db.session.add(row)
            rows.append(row)
    db.session.flush()  # the certificate numbers need the ids
    for row in rows:
        row.certificate_number = certificate_number(row, row.decided_at)
    db.session.commit()
    return len(rows)
