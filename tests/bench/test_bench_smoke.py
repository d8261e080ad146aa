"""The benchmark runs end to end at a small size and writes the documented JSON keys.

No timing is asserted here (speed is measured by `python -m bench`, never by the test suite).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_bench_runs_at_1000_papers(tmp_path: Path) -> None:
    out_json, out_md = tmp_path / "r.json", tmp_path / "r.md"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--size", "1000", "--workdir", str(tmp_path / "work"),
         "--app", "skip", "--cli-rounds", "1", "--json", str(out_json), "--markdown", str(out_md), "--quiet"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    doc = json.loads(out_json.read_text())
    assert set(doc["corpus"]) >= {"papers", "chars_per_paper"}
    assert doc["corpus"]["papers"] == 1000
    assert 1000 < doc["corpus"]["chars_per_paper"] < 2500
    assert set(doc["build"]) >= {"papers_per_s", "seconds", "index_mb"}
    assert isinstance(doc["noop_sync_ms"], float)
    assert isinstance(doc["add_100_ms"], float)
    assert doc["add_detail"]["new_paper_found"] is True
    query = doc["query"]
    assert set(query) >= {"p50_ms", "p95_ms", "max_ms", "plain_p95_ms", "suggest_ms", "queries"}
    assert len(query["queries"]) >= 30
    assert {q["kind"] for q in query["queries"]} >= {"word", "phrase", "field", "prefix", "wildcard",
                                                     "fuzzy", "not"}  # fmt: skip
    assert query["suggestions"]["transfromer"] == "transformer"
    assert set(doc["fts5"]) >= {"build_papers_per_s", "query_p50_ms", "query_p95_ms"}
    triage = doc["triage"]
    assert set(triage) >= {"mark_one_p50_ms", "mark_one_p95_ms", "load_state_ms",
                           "inbox_open_ms", "feed_counts_ms"}  # fmt: skip
    assert triage["feeds"] == 20 and triage["news_papers"] == 1000
    assert triage["inbox_papers"] == 1000 - triage["marks"] > 0
    cli = doc["cli"]
    for key in ("plain_p50_ms", "no_hits_ms", "fts5_p50_ms", "list_20_ms", "inbox_20_ms"):
        assert isinstance(cli[key], float), key
    assert cli["no_hits_output"]["transfromer"] == "No results. Did you mean: transformer?"
    app = doc["app"]
    assert set(app) >= {
        "start_ms",
        "bare_textual_start_ms",
        "start_ratio",
        "keystroke_p95_ms",
        "rss_mb",
    }
    assert app["start_ms"] is None and "not_measured" in app  # skipped, and says so
    table = out_md.read_text()
    assert "| Cold build" in table and "not measured" in table
    assert "| Triage: mark one paper" in table
    assert "| One-off `search`, whole process" in table
