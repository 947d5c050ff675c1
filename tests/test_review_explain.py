"""The review page in a pengawas's words: bands as ranges, hints in each indicator's own
direction, the source of every rule in Indonesian, and the audit trail as readable changes."""

import html
import math
import re
from datetime import UTC, datetime

import pytest

import scoring
from sikomo.extensions import db
from sikomo.models import AuditEvent, Role
from sikomo.review import explain, trail
from sikomo.review import operations as ops
from sikomo.review.answers import item_texts
from sikomo.review.explain import band_words, next_band_hint
from tests.rendered import review_page

SCHEMA_KEY = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # shu_setelah_pajak, total_aset, …
ENGLISH = ("CONFLICT", "INF ·", "decisions.md", "uses", "inferred", "table", "Tabel 2.37 (7,5; S9",
           "None", "[3, 5)", "[10, inf)", "permenkop_9_2020")  # fmt: skip


@pytest.mark.parametrize(
    ("label", "words"),
    [
        ("[10, inf)", "≥ 10 %"),
        ("(100, inf)", "> 100 %"),
        ("[5, 7.5)", "5 % sampai < 7,5 %"),
        ("(10, 15]", "> 10 % sampai ≤ 15 %"),
        ("(-inf, 25]", "≤ 25 %"),
        ("(-inf, 0.05)", "< 0,05 %"),
    ],
)
def test_a_band_reads_as_a_range(label, words):
    assert band_words(label) == words


def lower_is_better():
    """Every scored band-table indicator whose better bands lie below, with each of its bands."""
    for key, rs in scoring.builtin_rulesets().items():
        for ind in rs.indicators:
            if ind.enabled and ind.bands is not None and not ind.items:
                bands = ind.bands.bands
                best = max(bands, key=lambda b: b.nilai if ind.bands.higher_nilai_is_better
                           else -b.nilai)  # fmt: skip
                if best.upper != math.inf:
                    yield pytest.param(ind, id=f"{key}:{ind.code}")


@pytest.mark.parametrize("ind", list(lower_is_better()))
def test_every_lower_is_better_hint_points_down_with_the_right_edge(ind):
    """From inside each worse band, the hint says turun and ≤ / < the better band's upper edge."""
    for band in ind.bands.bands:
        if math.isinf(band.lower) and math.isinf(band.upper):
            continue
        inside = (
            band.upper - 0.5
            if math.isinf(band.lower)
            else (band.lower + 0.5 if math.isinf(band.upper) else (band.lower + band.upper) / 2)
        )
        found = ind.bands.next_better(inside)
        if found is None or found["direction"] != "turun":
            continue
        hint = next_band_hint(inside, found)
        edge = "≤" if found["inclusive"] else "<"
        assert hint.startswith("Turun ") and f"ke {edge} " in hint, (ind.code, band.label, hint)
        assert "≥" not in hint.split("(")[0] and ">" not in hint.split("(")[0]


def test_bopo_and_npl_hints_read_as_the_regulation_does():
    bopo = {
        "target": 100.0,
        "inclusive": False,
        "direction": "turun",
        "band": "[90, 100)",
        "nilai": 3,
    }
    assert (
        next_band_hint(107.36, bopo)
        == "Turun 7,36 poin ke < 100 % (pita 90 % sampai < 100 %, nilai 3)."
    )
    npl = {"target": 15.0, "inclusive": True, "direction": "turun", "band": "(10, 15]", "nilai": 3}
    assert next_band_hint(16.5, npl).startswith("Turun 1,50 poin ke ≤ 15 %")
    roa = {"target": 5.0, "inclusive": True, "direction": "naik", "band": "[5, 7.5)", "nilai": 2}
    assert next_band_hint(3.52, roa).startswith("Naik 1,48 poin ke ≥ 5 %")


def test_every_built_in_rule_has_its_source_in_indonesian():
    known = explain._sumber()
    for key, rs in scoring.builtin_rulesets().items():
        for ind in rs.indicators:
            assert ind.source in known["sumber"], (key, ind.code, ind.source)
            assert ind.confidence in known["keyakinan"], (key, ind.code)
            shown = explain.sumber(ind.source, ind.confidence, ind.note)
            assert not re.search(r"\b(the|is|are|uses|says|from|and|may|be)\b", shown.catatan), (
                shown
            )
            codes = re.findall(r"\b(?:INF|GAP|CONFLICT|REKONSTRUKSI|C1|C2|S\d+|K\d+|P\d+)\b",
                               shown.asal + shown.catatan)  # fmt: skip
            assert not codes, (ind.code, codes)


def test_the_review_page_shows_labels_ranges_and_sources_not_keys_or_english(
    client, login_as, make_cooperative, make_approved, make_submitted
):
    coop = make_cooperative(nik="3516000000000079")
    make_approved(coop, 2024)
    report = make_submitted(coop)
    login_as(Role.PENGAWAS)
    body = review_page(client, report)
    for slug in ("identitas", "neraca", "hasil-usaha", "anggota", "kuesioner", "lampiran"):
        assert f'href="/laporan/{report.id}/bagian/{slug}"' in body, slug
    assert "belum ada lampiran" in body
    scores = body[body.index('id="skor"') : body.index('id="kuesioner"')]
    visible = html.unescape(re.sub(r"<[^>]+>", " ", scores))
    assert "SHU setelah pajak: Rp 296.000.000" in visible
    assert "Naik 1,48 poin ke ≥ 5 %" in visible and "3 % sampai < 5 %" in visible
    assert "Sumber aturan" in visible and "Modul pelatihan yang mengutip Juknis 15/2021" in visible
    for text in ENGLISH:
        assert text not in visible, text
    assert not SCHEMA_KEY.findall(visible), SCHEMA_KEY.findall(visible)[:5]


def test_the_audit_trail_lists_one_line_per_item_changed_in_wib(login_as, make_submitted):
    report = make_submitted()
    pengawas = login_as(Role.PENGAWAS)
    item = "tk.prinsip.sukarela.1"
    ops.correct_answers(pengawas, report, {item: False}, report.version_id, {item: "Notulen RAT"})
    events = trail.events(report)
    steps = trail.trail(report, events)
    (step,) = [s for s in steps if s.what == "Jawaban kuesioner dikoreksi pengawas"]
    text = item_texts(report)[item]
    corrected = [c for c in step.changes if c.label.startswith("Koreksi pengawas: ")]
    assert len(corrected) == 1 and (corrected[0].before, corrected[0].after) == (
        "ikuti pengurus",
        "Tidak",
    )
    assert corrected[0].label == f"Koreksi pengawas: {text.rstrip('.')}"
    assert any(
        c.label.startswith("Catatan koreksi: ") and c.after == "Notulen RAT" for c in step.changes
    )
    assert any(c.label == "Skor total" for c in step.changes)
    assert step.who.endswith(f"({pengawas.email})") and step.when.endswith(" WIB")


def test_a_moment_is_shown_in_wib():
    assert trail.when(datetime(2026, 12, 2, 17, 5, tzinfo=UTC)) == "3 Desember 2026 00:05 WIB"


def test_the_trail_on_the_page_has_no_json(client, login_as, make_submitted):
    report = make_submitted()
    pengawas = login_as(Role.PENGAWAS)
    ops.correct_answers(pengawas, report, {"tk.prinsip.sukarela.1": False}, report.version_id)
    body = review_page(client, report)
    audit = body[body.index('id="audit"') :]
    assert "{" not in audit and "answers_pengawas" not in audit and "WIB" in audit
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) >= 1


def test_every_quality_check_has_a_title_for_the_review_page():
    from sikomo import edit_rules
    from sikomo.review.page import WARNING_TITLES

    quality = {r.code for r in edit_rules.RULES if r.kind == edit_rules.QUALITY}
    assert quality == set(WARNING_TITLES)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ({"_peringatan": {"rat_terlambat": "RAT ditunda"}}, {"_peringatan": {}}),
        ({"kuesioner": {"tk.prinsip.sukarela.1": True}}, {"kuesioner": None}),
        ({"tidak_dikenal": [1, {"a": None}]}, {"tidak_dikenal": "teks"}),
        ({"status": "draf", "kas": 1_000}, {"status": "diajukan", "kas": 2_500_000}),
        ({"keputusan": {"x": 1}}, {"keputusan": "terima"}),
    ],
)
def test_any_stored_change_reads_as_lines_without_json(make_submitted, before, after):
    report = make_submitted()
    changes = trail._Words(report).changes(before, after)
    assert changes and all("{" not in c.before + c.after for c in changes)
    assert all(not SCHEMA_KEY.fullmatch(c.label) for c in changes)


def test_a_moment_stored_without_its_zone_is_utc():
    """SQLite gives back naive datetimes: they were written in UTC."""
    assert trail.when(datetime(2026, 12, 2, 17, 5)) == "3 Desember 2026 00:05 WIB"
