"""Predikat labels and order, shared by the review pages, the certificate and the CLI."""

from sikomo.models import Predikat

PREDIKAT_LABELS = {
    Predikat.SEHAT: "Sehat",
    Predikat.CUKUP_SEHAT: "Cukup Sehat",
    Predikat.DALAM_PENGAWASAN: "Dalam Pengawasan",
    Predikat.DALAM_PENGAWASAN_KHUSUS: "Dalam Pengawasan Khusus",
}
# 0 is best; a higher rank is a worse predikat.
PREDIKAT_RANK = {p: i for i, p in enumerate(PREDIKAT_LABELS)}


def predikat_label(value) -> str:
    """'cukup_sehat' or Predikat.CUKUP_SEHAT -> 'Cukup Sehat'; '–' when there is none."""
    if not value:
        return "–"
    try:
        return PREDIKAT_LABELS[Predikat(value)]
    except ValueError:
        return str(value)


def parse_predikat(text: str) -> Predikat | None:
    """Read a predikat written as its code or its label, in any case: 'Cukup Sehat' -> CUKUP_SEHAT."""
    key = " ".join(str(text).strip().lower().replace("_", " ").split())
    for predikat, label in PREDIKAT_LABELS.items():
        if key == label.lower():
            return predikat
    return None


def is_worse(predikat, than) -> bool:
    if not predikat or not than:
        return False
    return PREDIKAT_RANK[Predikat(predikat)] > PREDIKAT_RANK[Predikat(than)]
