"""What it takes to reach the next predikat on the report and review pages, and the simulator
(/laporan/<id>/simulasi): the engine's plan in sentences, its reason when there is none, changed
figures scored exactly as scoring.simulate does, and nothing ever written."""

import re
from decimal import Decimal

import pytest

import scoring
from scoring.schema import KUESIONER
from sikomo.assessments import engine_input
from sikomo.extensions import db
from sikomo.format import angka, is_round, rupiah, rupiah_singkat
from sikomo.forms import Form, NumberField
from sikomo.models import AuditEvent, Jenis, Report, Role
from sikomo.review import corrections as fix
from sikomo.review import operations as review_ops
from sikomo.whatif import operations as ops
from tests.conftest import all_answers, as_user
from tests.test_page_text import problems

RS = scoring.builtin_rulesets()["permenkop_9_2020"]
TATA_KELOLA = [i for i in RS.indicators if i.enabled and i.aspect == "tata_kelola" and i.items]
# Ten tata kelola indicators answered all "tidak": 78,95, Cukup Sehat, one move from Sehat.
FAILED = {i.code: False for ind in TATA_KELOLA[:10] for i in ind.items}


def below_sehat() -> dict[str, bool]:
    return all_answers() | FAILED


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def plan_page(client, report: Report) -> str:
    """The what-if section as the report and review pages fetch it after loading."""
    response = client.get(f"/laporan/{report.id}/rencana?bagian=1")
    assert response.status_code == 200
    return text(response)


def engine_plan(report: Report, data: dict | None = None) -> scoring.WhatIf:
    """The engine's own plan on the report's figures (the sample has every prior-year figure)."""
    return scoring.what_it_takes(engine_input(report, data))


@pytest.fixture
def pengurus_report(login_as, make_cooperative, make_submitted):
    def make(answers=None, **data):
        coop = make_cooperative("Koperasi Milik Pengurus")
        report = make_submitted(coop, answers=answers, **data)
        login_as(Role.PENGURUS, cooperative=coop)
        return report

    return make


def test_the_report_page_lists_the_engines_moves_below_sehat(client, pengurus_report):
    report = pengurus_report(below_sehat())
    plan = engine_plan(report)
    assert plan.predikat == "cukup_sehat" and plan.found  # the hand-built report is below sehat
    page = plan_page(client, report)
    assert "Apa yang dibutuhkan untuk naik ke Sehat" in page
    assert f"Total sekarang {angka(plan.total, 2)}: Cukup Sehat." in page
    for move in plan.moves:
        assert move.name in page
        if move.change.items:
            assert f"Penuhi {move.change.delta} butir lagi" in page
            assert all(item in page for _, item in move.change.items)
        else:
            assert f"menjadi {rupiah(move.change.new)}" in page
    assert f"total {angka(plan.total_after, 2)}, Sehat" in page


def test_an_already_sehat_report_shows_the_engines_reason(client, pengurus_report):
    report = pengurus_report()  # every item terpenuhi: 92,19
    page = plan_page(client, report)
    assert "Apa yang dibutuhkan untuk naik predikat" in page
    assert engine_plan(report).reason in page and "predikat tertinggi" in page
    assert "Coba rencana ini" not in page


def test_a_provisional_report_says_a_blank_is_never_a_way_up(client, pengurus_report):
    report = pengurus_report(answers={})
    page = plan_page(client, report)
    assert (
        "masih sementara" in page and "mengosongkan isian tidak pernah menaikkan predikat" in page
    )


def test_the_review_page_plan_counts_the_pengawas_corrections(client, login_as, make_submitted):
    report = make_submitted()  # the pengurus answered everything "ya": sehat
    pengawas = login_as(Role.PENGAWAS)
    assert "predikat tertinggi" in plan_page(client, report)
    assert review_ops.correct_answers(pengawas, report, FAILED, report.version_id)
    db.session.commit()
    page = plan_page(client, report)
    corrected = engine_plan(report, review_ops.merged_data(report))
    assert corrected.predikat == "cukup_sehat" and corrected.found
    assert "Apa yang dibutuhkan untuk naik ke Sehat" in page
    assert f"Total sekarang {angka(corrected.total, 2)}: Cukup Sehat." in page
    assert all(m.name in page for m in corrected.moves)


def test_the_review_page_plan_counts_a_tidak_berlaku_confirmation(client, login_as, make_submitted):
    report = make_submitted(answers=below_sehat())
    pengawas = login_as(Role.PENGAWAS)
    code = next(i.code for i in RS.indicators if i.enabled and not i.items)
    fix.confirm_not_applicable(
        pengawas, report, code, "Tidak ada unit usaha ini", report.version_id
    )
    db.session.commit()
    basis = ops.basis(report, reviewed=True)
    assert basis.not_applicable == {code: "Tidak ada unit usaha ini"}
    assert ops.basis(report, reviewed=False).not_applicable is None
    expected = scoring.what_it_takes(basis.values, not_applicable=basis.not_applicable)
    assert expected.total != engine_plan(report).total  # the confirmation moved the score
    assert f"Total sekarang {angka(expected.total, 2)}" in plan_page(client, report)


def test_the_pages_ask_for_the_plan_after_loading_then_show_it_inline(client, pengurus_report):
    """The engine's search can take seconds: a page never waits for it. The report page links
    to the section its script fetches; once this process has searched it, it is inline."""
    report = pengurus_report(below_sehat())
    ops._plans.clear()
    page = text(client.get(f"/laporan/{report.id}"))
    assert f'data-plan-url="/laporan/{report.id}/rencana?dasar=laporan&amp;bagian=1"' in page
    assert "Lihat langkah menuju predikat berikutnya" in page and "Total sekarang" not in page
    section = client.get(f"/laporan/{report.id}/rencana?dasar=laporan&bagian=1")
    assert "<html" not in section.get_data(as_text=True) and "Total sekarang" in text(section)
    page = text(client.get(f"/laporan/{report.id}"))
    assert "Total sekarang" in page and "data-plan-url" not in page
    own_page = text(client.get(f"/laporan/{report.id}/rencana"))
    assert "Kembali ke ringkasan laporan" in own_page and "Total sekarang" in own_page


def test_a_cooperative_not_health_scored_gets_no_plan_section(client, login_as, make_cooperative,
                                                             make_submitted):  # fmt: skip
    coop = make_cooperative("Koperasi Produsen", jenis=Jenis.PRODUSEN)
    report = make_submitted(coop)
    login_as(Role.PENGURUS, cooperative=coop)
    assert "naik-predikat" not in text(client.get(f"/laporan/{report.id}"))
    assert client.get(f"/laporan/{report.id}/rencana?bagian=1").status_code == 204
    assert "tidak ada langkah" in text(client.get(f"/laporan/{report.id}/rencana"))


def post_sim(client, report, path="simulasi", **fields):
    return client.post(f"/laporan/{report.id}/{path}", data=fields)


def test_the_simulator_scores_changed_figures_as_the_engine_does(client, pengurus_report):
    report = pengurus_report(below_sehat())
    item = TATA_KELOLA[0].items[0].code
    changes = {"shu_setelah_pajak": 100_000_000, f"kuesioner.{item}": True}
    values = engine_input(report)
    expected = scoring.simulate(values, changes)
    by_hand = scoring.assess({**values, "shu_setelah_pajak": 100_000_000,
                              KUESIONER: {**values[KUESIONER], item: True}})  # fmt: skip
    assert expected.total == by_hand.total != scoring.assess(values).total
    form = {"shu_setelah_pajak": "100.000.000", ops.item_field(item): "ya"}
    page = post_sim(client, report, **form)
    assert page.status_code == 200
    body = text(page)
    assert angka(expected.total, 2) in body and "SHU setelah pajak" in body
    assert "Rp 100.000.000" in body
    data = post_sim(client, report, "simulasi.json", **form).get_json()
    assert data["result"]["total"] == expected.total
    assert data["result"]["predikat_label"] == expected.predikat_label
    assert [a["after"] for a in data["result"]["aspects"]] == [a.score for a in expected.aspects]
    assert len(data["result"]["changes"]) == 2


def test_the_simulator_never_writes_the_report_or_its_audit_trail(client, pengurus_report):
    report = pengurus_report(below_sehat())
    before = (dict(report.data), report.version_id, report.updated_at, report.status)
    events = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent))
    for path in ("simulasi", "simulasi.json"):
        assert post_sim(client, report, path, kas="1", bank="").status_code == 200
    client.get(f"/laporan/{report.id}/simulasi")
    db.session.expire_all()
    row = db.session.get(Report, report.id)
    assert (row.data, row.version_id, row.updated_at, row.status) == before
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) == events


def test_a_bad_number_gets_an_indonesian_field_error(client, pengurus_report):
    report = pengurus_report(below_sehat())
    page = post_sim(client, report, kas="dua juta", bank="-5")
    assert page.status_code == 422
    body = text(page)
    assert "Tulis angka seperti 1234567, 1.234.567 atau Rp 1.234.567." in body
    assert "Tidak boleh negatif." in body and 'value="dua juta"' in body  # nothing typed is lost
    answer = post_sim(client, report, "simulasi.json", kas="dua juta")
    assert answer.status_code == 422 and "kas" in answer.get_json()["errors"]
    assert post_sim(client, report, shu_setelah_pajak="-5.000.000").status_code == 200  # a loss


def test_the_simulator_refuses_a_post_without_its_csrf_token(app, client, pengurus_report):
    report = pengurus_report(below_sehat())
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert post_sim(client, report, kas="1").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_the_plan_button_fills_the_simulator_with_the_plan(client, pengurus_report):
    report = pengurus_report(below_sehat())
    plan = ops.plan_for(report, reviewed=False)
    page = post_sim(client, report, dasar="laporan", rencana="1", **plan.changes)
    assert page.status_code == 200
    assert angka(engine_plan(report).total_after, 2) in text(page)
    assert "Angka rencana kenaikan predikat sudah diisikan" in text(page)


@pytest.mark.parametrize(("method", "path"), [("GET", "simulasi"), ("POST", "simulasi"),
                                              ("POST", "simulasi.json")])  # fmt: skip
def test_another_cooperatives_pengurus_gets_404(
    client, make_cooperative, make_submitted, make_user, method, path
):
    other = make_submitted(make_cooperative("Koperasi Lain Rahasia", nik="3516999999999999"))
    as_user(client, make_user(Role.PENGURUS, cooperative=make_cooperative("Koperasi Saya")))
    response = client.open(f"/laporan/{other.id}/{path}", method=method, data={"kas": "1"})
    assert response.status_code == 404 and "Koperasi Lain Rahasia" not in text(response)


@pytest.mark.parametrize(
    ("value", "short", "exact"),
    [(85_000_000, "Rp 85 juta", True), (2_050_000_000, "Rp 2,05 miliar", True),
     (50_000_001, "Rp 50 juta", False), (999_999_999, "Rp 1 miliar", False),
     (1_500_000_000_000, "Rp 1,5 triliun", True), (999_999, "Rp 1 juta", False),
     (250_000, "Rp 250.000", True), (-292_000_000, "-Rp 292 juta", True)],
)  # fmt: skip
def test_rupiah_singkat_says_amounts_as_people_do(value, short, exact):
    assert rupiah_singkat(value) == short and is_round(value) is exact


def test_a_signed_number_field_reads_a_loss(app):
    class F(Form):
        shu = NumberField("SHU", money=True, signed=True)
        kas = NumberField("Kas", money=True)

    with app.test_request_context(method="POST", data={"shu": "-1.250.000", "kas": "-5"}):
        form = F(meta={"csrf": False})
        assert not form.validate()
        assert form.shu.data == -1_250_000 and form.kas.errors == ["Tidak boleh negatif."]
        assert isinstance(form.shu.data, int) and not isinstance(form.shu.data, Decimal)


def test_the_review_plan_reads_blank_prior_year_figures_from_the_pages_result(
    make_cooperative, make_approved, make_submitted
):
    coop = make_cooperative()
    make_approved(coop, 2024, total_aset=7_000_000_000, shu_setelah_pajak=250_000_000)
    blank = {"total_aset_lalu": None, "shu_setelah_pajak_lalu": None, "total_ekuitas_lalu": None}
    report = make_submitted(coop, answers=below_sehat(), **blank)
    looked_up = ops.basis(report, reviewed=True)  # reads last year's report
    from_result = ops.basis(report, True, review_ops.live_result(report))
    assert looked_up.values["total_aset_lalu"] == 7_000_000_000
    assert {k: from_result.values.get(k) for k in blank} == {k: looked_up.values[k] for k in blank}
    assert ops.what_it_takes(from_result) == scoring.what_it_takes(looked_up.values)


def test_the_plan_and_simulator_pages_show_no_english_none_or_code(
    client, login_as, pengurus_report, make_submitted
):
    report = pengurus_report(below_sehat(), shu_setelah_pajak_lalu=None)
    pages = [client.get(f"/laporan/{report.id}"), client.get(f"/laporan/{report.id}/rencana"),
             client.get(f"/laporan/{report.id}/simulasi"),
             post_sim(client, report, kas="dua juta"), post_sim(client, report, kas="5")]  # fmt: skip
    login_as(Role.PENGAWAS)
    reviewed = make_submitted(answers=below_sehat())
    pages += [client.get(f"/penilaian/laporan/{reviewed.id}"),
              client.get(f"/laporan/{reviewed.id}/rencana")]  # fmt: skip
    for page in pages:
        assert "Apa yang dibutuhkan" in text(page) or "Simulasi penilaian" in text(page)
        assert problems(page.request.path, page.get_data(as_text=True)) == []
