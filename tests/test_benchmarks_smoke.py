"""The page and load benchmarks import, and pages.py times a page of a tiny generated district."""

import importlib
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def bench():
    """The benchmark modules, imported as their scripts import each other (by plain name)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.syspath_prepend(str(BENCHMARKS))
        yield {name: importlib.import_module(name) for name in ("_data", "pages", "load")}


@pytest.fixture(scope="module")
def tiny_app(bench, tmp_path_factory):
    data = bench["_data"]
    url = "sqlite:///" + str(tmp_path_factory.mktemp("bench") / "tiny.db")
    data.build(url, data.Size(cooperatives=12, pending=3, sample=5))
    app = data.bench_app(url)
    yield app
    with app.app_context():
        data.db.engine.dispose()


def test_the_generator_writes_a_valid_tiny_district(bench, tiny_app):
    counts = bench["_data"].counts(tiny_app.config["SQLALCHEMY_DATABASE_URI"])
    assert counts["koperasi"] == 12
    assert counts["laporan"] == 60
    assert counts["diajukan"] == 3
    assert counts["penilaian"] > 0


def test_pages_times_the_public_search_of_a_tiny_district(bench, tiny_app):
    timing = bench["pages"].measure(tiny_app.test_client(), "/publik/", repeat=3, warmup=1)
    assert timing.cold_ms > 0
    assert len(timing.samples_ms) == 3
    assert timing.p95_ms >= timing.median_ms > 0


def test_pages_fails_on_a_page_that_does_not_answer_200(bench, tiny_app):
    with pytest.raises(bench["pages"].PageError, match="302"):
        bench["pages"].measure(tiny_app.test_client(), "/penilaian/", repeat=1, warmup=0)


def test_every_load_page_is_a_page_of_the_page_benchmark(bench):
    names = {page.name for page in bench["pages"].PAGES}
    assert set(bench["load"].LOAD_PAGES) <= names
