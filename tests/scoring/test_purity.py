"""The scoring package stands alone: no web framework, database or app import."""

import subprocess
import sys

FORBIDDEN = ("flask", "flask_sqlalchemy", "sqlalchemy", "sikomo", "werkzeug", "wtforms")


def test_scoring_imports_no_web_or_database_module():
    code = (
        "import sys, scoring, scoring.cli, scoring.frame\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        "print(','.join(bad))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_the_check_would_catch_a_forbidden_import():
    code = "import sys, sqlalchemy; print('sqlalchemy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"
