"""python -m scoring: assess, batch and rulesets, run as a user would."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from scoring.cli import main

DATA = Path(__file__).with_name("data")


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scoring", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


def test_assess_prints_the_assessment_json_for_a_file():
    done = run("assess", str(DATA / "ksp_sejahtera_2025.json"))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["method"] == "permenkop_9_2020" and result["provisional"]
    assert result["predikat"] is None  # the sample has no questionnaire answers: a range only
    assert result["total_min"] < result["total_max"]
    assert {i["code"] for i in result["indicators"]} >= {"roa", "npl", "ekuitas_total_aset"}


def test_assess_reads_stdin_and_honours_method():
    report = (DATA / "ksp_sejahtera_2025.json").read_text()
    done = run("assess", "--method", "perdep_06_2016", "-", stdin=report)
    assert done.returncode == 0 and json.loads(done.stdout)["method"] == "perdep_06_2016"


@pytest.mark.parametrize(
    ("stdin", "words"),
    [
        ('{"tahun_buku": 2009}', "tahun_buku"),
        ('{"tahun_buku": 2025, "kas": -1}', "kas"),
        ("{oops", "JSON"),
    ],
)
def test_assess_reports_bad_input_in_indonesian_with_exit_code_2(stdin, words):
    done = run("assess", "-", stdin=stdin)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("galat:") and words in done.stderr


def batch_input(report: dict, n: int = 3) -> pd.DataFrame:
    rows = [dict(report, nik=f"35160000000000{i:02d}") for i in range(n)]
    rows[1]["shu_setelah_pajak_lalu"] = None
    return pd.DataFrame(rows)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_batch_scores_csv_and_xlsx_into_csv(tmp_path: Path, report, suffix):
    source = tmp_path / f"laporan{suffix}"
    df = batch_input(report)
    df.to_csv(source, index=False) if suffix == ".csv" else df.to_excel(source, index=False)
    target = tmp_path / "hasil.csv"
    assert main(["batch", str(source), str(target)]) == 0
    out = pd.read_csv(target, dtype={"nik": str})
    assert list(out["nik"]) == list(df["nik"])
    assert list(out["pertumbuhan_shu.status"]) == ["ok", "tidak_dapat_dihitung", "ok"]
    assert out["roa.nilai"].tolist() == [3, 3, 3]


def test_batch_keeps_blank_cells_unknown(tmp_path: Path, report):
    source = tmp_path / "laporan.csv"
    df = batch_input(report)
    df.loc[2, "kas"] = None
    df.to_csv(source, index=False)
    main(["batch", str(source), str(tmp_path / "hasil.csv")])
    out = pd.read_csv(tmp_path / "hasil.csv")
    assert out["aset_likuid_total_aset.status"].tolist() == ["ok", "ok", "tidak_dapat_dihitung"]


def test_batch_names_the_file_line_of_a_bad_cell_and_writes_nothing(tmp_path: Path, report, capsys):
    source = tmp_path / "laporan.csv"
    df = batch_input(report).astype({"kas": object})
    df.loc[2, "kas"] = "seratus"
    df.to_csv(source, index=False)
    assert main(["batch", str(source), str(tmp_path / "hasil.csv")]) == 2
    assert "baris 4 berkas, kolom kas" in capsys.readouterr().err
    assert not (tmp_path / "hasil.csv").exists()


def test_batch_prints_progress(tmp_path: Path, report, capsys):
    source = tmp_path / "laporan.csv"
    batch_input(report).to_csv(source, index=False)
    main(["batch", "--progress", str(source), str(tmp_path / "hasil.csv")])
    assert "3/3 laporan dinilai" in capsys.readouterr().err


def test_rulesets_lists_ids_versions_and_hashes():
    done = run("rulesets")
    lines = done.stdout.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == ["perdep_06_2016", "permenkop_9_2020"]
    assert all("sha256:" in line for line in lines)


def test_rulesets_show_prints_the_full_ruleset():
    data = json.loads(run("rulesets", "--show", "permenkop_9_2020").stdout)
    assert data["hash"].startswith("sha256:") and len(data["ruleset"]["indicators"]) == 67
