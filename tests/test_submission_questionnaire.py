"""A KSP/USP report is submitted only with every questionnaire item answered, and Ajukan confirms
first: the confirmation says the step is final and shows the engine's score or its range."""

import json
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from sikomo.assessments import run_engine
from sikomo.edit_rules import questionnaire_for
from sikomo.extensions import db
from sikomo.format import angka
from sikomo.models import Jenis, Report, ReportStatus, Role
from sikomo.reports import operations as ops
from sikomo.reports.views import score_of

SAMPLE = json.loads((Path(__file__).parent / "scoring/data/ksp_sejahtera_2025.json").read_text())
CURRENT = {k: v for k, v in SAMPLE.items() if k not in ("tahun_buku", "jenis")}
CODES = [code for group in questionnaire_for(None, 2025) for code in group.codes]
EVERY_ITEM = dict.fromkeys(CODES, True)


@pytest.fixture
def make_draft(login_as, make_cooperative):
    """A pengurus logged in with a 2025 draft holding the sample's figures and `answers`."""

    def factory(answers=None, jenis=Jenis.KSP, **change):
        coop = make_cooperative("Koperasi Uji", nik="3516000000000777", jenis=jenis)
        login_as(Role.PENGURUS, cooperative=coop)
        data = {"tahun_buku": 2025, **CURRENT, **change}
        if answers is not None:
            data["kuesioner"] = answers
        report = Report(cooperative_id=coop.id, tahun_buku=2025, version=1, data=data)
        db.session.add(report)
        db.session.commit()
        return report

    return factory


def press_ajukan(client, report, **form):
    db.session.refresh(report)
    return client.post(f"/laporan/{report.id}/ajukan", data={"version_id": report.version_id,
                                                             **form})  # fmt: skip


def confirm(client, report):
    db.session.refresh(report)
    return press_ajukan(client, report, konfirmasi="ya")


def text(response) -> str:
    return " ".join(response.get_data(as_text=True).split())


@pytest.mark.parametrize("confirmed", [False, True], ids=["ajukan", "konfirmasi"])
def test_a_blank_questionnaire_is_refused_per_group_and_the_draft_is_unchanged(
    client, make_draft, confirmed
):
    report = make_draft()
    before = json.loads(json.dumps(report.data))
    response = confirm(client, report) if confirmed else press_ajukan(client, report)
    assert response.status_code == 422
    page = text(response)
    assert "Kuesioner belum lengkap: Prinsip Koperasi 28 dari 28 butir belum dijawab" in page
    assert "Kelembagaan 30 dari 30 butir belum dijawab" in page
    assert "Semua pemeriksaan terpenuhi" not in page
    db.session.refresh(report)
    assert report.status == ReportStatus.DRAF and report.data == before


def test_a_partly_answered_questionnaire_names_the_indicator_and_the_items(client, make_draft):
    answers = {c: False for c in CODES if c not in ("tk.prinsip.demokratis.2",
                                                    "tk.prinsip.demokratis.4")}  # fmt: skip
    report = make_draft(answers)
    response = press_ajukan(client, report)
    assert response.status_code == 422
    assert ("Prinsip Koperasi 2 dari 28 butir belum dijawab (Pengelolaan dilakukan secara "
            "demokratis: butir 2, 4)") in text(response)  # fmt: skip
    assert "Kelembagaan" not in text(response).split("Kuesioner belum lengkap")[1].split(".")[0]
    db.session.refresh(report)
    assert report.data["kuesioner"] == answers  # every answer given is kept


def test_the_summary_no_longer_says_everything_is_fulfilled_with_items_open(client, make_draft):
    report = make_draft({CODES[0]: True})
    page = text(client.get(f"/laporan/{report.id}"))
    assert "Semua pemeriksaan terpenuhi" not in page
    assert "Kuesioner belum lengkap" in page and "Buka Kuesioner" in page


def test_a_fully_answered_report_submits_only_after_the_confirmation(client, make_draft):
    report = make_draft(EVERY_ITEM)
    first = press_ajukan(client, report)
    assert first.status_code == 303 and first.headers["Location"].endswith("/ajukan")
    db.session.refresh(report)
    assert report.status == ReportStatus.DRAF
    page = client.get(f"/laporan/{report.id}/ajukan")
    body = text(page)
    assert page.status_code == 200 and "tidak dapat dibatalkan" in body and "versi baru" in body
    result = run_engine(report)
    assert f"Skor {angka(result.total, 2)} — {result.predikat_label}" in body
    assert 'name="konfirmasi" value="ya"' in body
    done = confirm(client, report)
    assert done.status_code == 302
    db.session.refresh(report)
    assert report.status == ReportStatus.DIAJUKAN and report.submitted_at is not None


def test_a_non_ksp_cooperative_submits_without_a_questionnaire(client, make_draft):
    report = make_draft(jenis=Jenis.KONSUMEN)
    assert "kuesioner_lengkap" not in {f.rule for f in ops.findings(report)}
    assert press_ajukan(client, report).status_code == 303
    page = text(client.get(f"/laporan/{report.id}/ajukan"))
    assert "tidak dinilai kesehatannya" in page and "Skor" not in page.split("Skor dari")[1]
    assert confirm(client, report).status_code == 302
    db.session.refresh(report)
    assert report.status == ReportStatus.DIAJUKAN


def test_a_cooperative_with_a_savings_unit_must_answer_too(client, make_cooperative, login_as):
    coop = make_cooperative("KSU Maju", jenis=Jenis.SERBA_USAHA, simpan_pinjam=True)
    report = Report(cooperative_id=coop.id, tahun_buku=2025, version=1,
                    data={"tahun_buku": 2025, **CURRENT})  # fmt: skip
    db.session.add(report)
    db.session.commit()
    assert "kuesioner_lengkap" in {f.rule for f in ops.findings(report)}


def test_the_confirmation_shows_the_range_of_a_provisional_result(client, make_draft):
    report = make_draft(EVERY_ITEM, volume_usaha_lalu=None, shu_setelah_pajak_lalu=None)
    result = run_engine(report)
    assert result.provisional
    assert press_ajukan(client, report).status_code == 303
    page = text(client.get(f"/laporan/{report.id}/ajukan"))
    low, high = angka(result.total_min, 2), angka(result.total_max, 2)
    if result.predikat_min == result.predikat_max:
        assert f"Sementara: {result.predikat_min_label} ({low}–{high})" in page
    else:
        assert f"antara {result.predikat_min_label} ({low}) dan" in page
    assert "Skor " + angka(result.total_max, 2) not in page  # never the upper end alone


def test_the_live_preview_of_a_provisional_draft_is_a_range(client, make_draft):
    report = make_draft({CODES[0]: True})
    data = client.post(f"/laporan/{report.id}/pratinjau", data={"bagian": "neraca"}).get_json()
    assert data["total"] is None and data["predikat"] is None and data["provisional"]
    assert data["predikat_label"].startswith("Sementara: antara ")
    assert data["total_min"] < data["total_max"]


def test_the_confirmation_page_sends_back_a_report_that_cannot_be_submitted(client, make_draft):
    report = make_draft()
    response = client.get(f"/laporan/{report.id}/ajukan")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/laporan/{report.id}"
    )


def test_a_submitted_report_is_not_confirmed_again(client, make_draft):
    report = make_draft(EVERY_ITEM)
    report.status = ReportStatus.DIAJUKAN
    db.session.commit()
    assert client.get(f"/laporan/{report.id}/ajukan").status_code == 302
    assert press_ajukan(client, report).status_code == 302
    assert confirm(client, report).status_code == 302


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (SimpleNamespace(complete=True, total=81.3, predikat="sehat", predikat_label="Sehat"),
         "Skor 81,30 — Sehat"),
        (SimpleNamespace(complete=False, total=None, predikat=None, predikat_label=None,
                         total_min=60.16, total_max=81.3, predikat_min="dalam_pengawasan",
                         predikat_max="sehat", predikat_min_label="Dalam Pengawasan",
                         predikat_max_label="Sehat"),
         "Sementara: antara Dalam Pengawasan (60,16) dan Sehat (81,30)"),
        (SimpleNamespace(complete=False, total=None, predikat=None, predikat_label=None,
                         total_min=70.0, total_max=79.994, predikat_min="cukup_sehat",
                         predikat_max="cukup_sehat"),
         "Sementara: Cukup Sehat (70,00–79,99)"),
        # an engine without `complete` and the range: provisional shows no number at all
        (SimpleNamespace(provisional=True, total=81.3, predikat="sehat", predikat_label="Sehat"),
         "Sementara: belum dapat dinilai"),
        (SimpleNamespace(provisional=False, total=45.214, predikat="dalam_pengawasan_khusus",
                         predikat_label="Dalam Pengawasan Khusus"),
         "Skor 45,21 — Dalam Pengawasan Khusus"),
    ],
)  # fmt: skip
def test_the_score_line_reads_the_engine_before_and_after_its_range(result, expected):
    score = score_of(result)
    assert score["text"] == expected
    assert (score["total"] is None) == score["provisional"]


def test_an_api_submission_with_a_blank_questionnaire_is_refused(client, make_cooperative,
                                                                  make_token):  # fmt: skip
    coop = make_cooperative("KSP Sejahtera", nik="3516000000000001")
    headers = {"Authorization": f"Bearer {make_token(coop)}"}
    response = client.post("/api/v1/reports", json=SAMPLE | {"submit": True}, headers=headers)
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.get_json()["errors"]}
    assert errors["kuesioner"].startswith("Kuesioner belum lengkap: Prinsip Koperasi")
    answered = SAMPLE | {"kuesioner": EVERY_ITEM, "submit": True}
    assert client.post("/api/v1/reports", json=answered, headers=headers).status_code == 200


def test_the_bulk_import_still_takes_past_reports_without_answers(runner, make_cooperative,
                                                                   tmp_path):  # fmt: skip
    coop = make_cooperative("KSP Lama", nik="3516000000000123")
    path = tmp_path / "laporan.csv"
    row = {"nik": coop.nik, **{k: v for k, v in SAMPLE.items() if k != "jenis"}}
    pd.DataFrame([row]).to_csv(path, index=False)
    result = runner.invoke(args=["import-reports", str(path)])
    assert result.exit_code == 0, result.output
    report = db.session.scalar(db.select(Report))
    assert report.status == ReportStatus.DIAJUKAN and report.imported
    assert not report.data.get("kuesioner")


def test_the_questionnaire_page_counts_answers_per_group_and_indicator(client, make_draft):
    report = make_draft({"tk.prinsip.sukarela.1": True, "tk.prinsip.sukarela.2": False})
    response = client.get(f"/laporan/{report.id}/bagian/kuesioner")
    page = text(response)
    assert response.status_code == 200
    assert f"2 dari {len(CODES)} butir dijawab" in page
    assert "Prinsip Koperasi</a> — 2 dari 28 dijawab" in page
    assert "Kelembagaan</a> — 0 dari 30 dijawab" in page
    assert "Keanggotaan bersifat sukarela dan terbuka <small>— 2 dari 4 dijawab</small>" in page
    assert page.count('class="question unanswered"') == len(CODES) - 2
    assert 'href="#butir-tk.prinsip.sukarela.3"' in page  # to the first open item
    assert 'id="butir-tk.prinsip.sukarela.3"' in page


def test_a_fully_answered_questionnaire_page_says_so(client, make_draft):
    page = text(client.get(f"/laporan/{make_draft(EVERY_ITEM).id}/bagian/kuesioner"))
    assert "Semua butir sudah dijawab." in page and "unanswered" not in page
    assert "Prinsip Koperasi</a> — 28 dari 28 dijawab" in page


def test_answers_typed_but_refused_by_a_conflict_are_counted_as_shown(client, make_draft):
    report = make_draft({})
    data = {"version_id": report.version_id + 100, "q__tk__prinsip__sukarela__1": "ya"}
    response = client.post(f"/laporan/{report.id}/bagian/kuesioner", data=data)
    assert response.status_code == 409
    assert "Prinsip Koperasi</a> — 1 dari 28 dijawab" in text(response)
