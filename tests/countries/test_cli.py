"""`guarantees countries`: names on stdin, `name<TAB>iso2<TAB>method` lines on stdout."""
import io
import subprocess
import sys

import pytest

from pipelines.cli import main

NAMES = ["Korea, Rep.", "England", "Kosova", "", "Phillipines", "Niemcy", "Wakanda", "Korea, Rep."]


def test_cli_writes_one_line_per_input_line_with_an_empty_code_for_non_countries(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(NAMES) + "\n"))
    assert main(["countries"]) == 0
    lines = capsys.readouterr().out.split("\n")
    assert lines[-1] == ""
    rows = [line.split("\t") for line in lines[:-1]]
    assert rows == [["Korea, Rep.", "KR", "exact"], ["England", "", "deny"], ["Kosova", "XK", "exact"],
                    ["", "", "unresolved"], ["Phillipines", "PH", "fuzzy"], ["Niemcy", "DE", "exact"],
                    ["Wakanda", "", "unresolved"], ["Korea, Rep.", "KR", "exact"]]


def test_cli_explain_adds_score_and_reason(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("England\r\n"))
    assert main(["countries", "--explain"]) == 0
    assert capsys.readouterr().out == "England\t\tdeny\t100\tuk_constituent_country\n"


def test_cli_on_empty_input_writes_nothing(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["countries"]) == 0
    assert capsys.readouterr().out == ""


@pytest.mark.slow
def test_cli_as_a_process_without_loading_dagster():
    code = ("import sys; from pipelines.cli import main; rc = main(['countries']); "
            "assert 'dagster' not in sys.modules and 'pandas' not in sys.modules; sys.exit(rc)")
    done = subprocess.run([sys.executable, "-c", code], input="Türkiye\nUSSR\n", capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Türkiye\tTR\texact\nUSSR\t\tdeny\n"
