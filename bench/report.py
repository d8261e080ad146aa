"""The results as a Markdown table: each figure beside its target and the FTS5 reference."""

from __future__ import annotations

from typing import Any


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "not measured"
    if isinstance(value, float):
        text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"
    else:
        text = f"{value:,}"
    return f"{text} {unit}".strip()


def _ratio(ours: Any, ref: Any, higher_is_better: bool = False) -> str:
    if not ours or not ref:
        return "–"
    ratio = ours / ref
    return f"{ratio:.2f}x FTS5" if higher_is_better else f"{ratio:.1f}x FTS5"


def _met(ok: bool | None) -> str:
    return "–" if ok is None else ("met" if ok else "**missed**")


def _le(value: Any, limit: float) -> bool | None:
    return None if value is None else value <= limit


def markdown(r: dict[str, Any]) -> str:
    b, q, f, a = r["build"], r["query"], r.get("fts5") or {}, r.get("app") or {}
    w = r.get("query_warm") or {}
    c = r.get("cli") or {}
    d = r.get("add_detail") or {}
    rows = [
        ("Cold build (parse + index)", _fmt(b["papers_per_s"], "papers/s"), ">= 1,000 papers/s",
         _met(b["papers_per_s"] >= 1000), _ratio(b["papers_per_s"], f.get("build_papers_per_s"), True)),
        ("Build time / index size", f"{_fmt(b['seconds'], 's')} / {_fmt(b['index_mb'], 'MB')}", "", "",
         f"FTS5 {_fmt(f.get('build_seconds'), 's')} / {_fmt(f.get('db_mb'), 'MB')}"),
        ("Unchanged re-sync", _fmt(r["noop_sync_ms"], "ms"), "<= 100 ms", _met(_le(r["noop_sync_ms"], 100)), "–"),
        ("Add a 100-paper dump", _fmt(r["add_100_ms"], "ms"), "<= 2,000 ms", _met(_le(r["add_100_ms"], 2000)), "–"),
        ("A dump a day: slowest sync / the merge after four (background)",
         f"{_fmt(max(d.get('daily_sync_ms') or [0]), 'ms')} / {_fmt(d.get('merge_ms'), 'ms')}",
         "<= 5,000 ms / -", _met(_le(max(d.get("daily_sync_ms") or [0]), 5000)), "–"),
        ("Query p50, all (top 20 + highlights)", _fmt(q["p50_ms"], "ms"), "", "",
         _ratio(q["p50_ms"], f.get("query_p50_ms"))),
        ("Query p95, all", _fmt(q["p95_ms"], "ms"), "<= 500 ms", _met(_le(q["p95_ms"], 500)),
         _ratio(q["p95_ms"], f.get("query_p95_ms"))),
        ("Query max, all", _fmt(q["max_ms"], "ms"), "<= 1,000 ms", _met(_le(q["max_ms"], 1000)),
         _ratio(q["max_ms"], f.get("query_max_ms"))),
        ("Query p95, words/phrases/fields, cold", _fmt(q["plain_p95_ms"], "ms"), "<= 100 ms",
         _met(_le(q["plain_p95_ms"], 100)), _ratio(q["plain_p95_ms"], f.get("plain_p95_ms"))),
        ("Query p95, words/phrases/fields, after the app's warm-up", _fmt(w.get("plain_p95_ms"), "ms"),
         "<= 100 ms", _met(_le(w.get("plain_p95_ms"), 100)), _ratio(w.get("plain_p95_ms"), f.get("plain_p95_ms"))),
        ('"Did you mean" (median)', _fmt(q["suggest_ms"], "ms"), "<= 100 ms", _met(_le(q["suggest_ms"], 100)),
         "FTS5 has none"),
        ("One-off `search`, whole process, p50 (CPU)", _fmt_cpu(c.get("plain_p50_ms"), c.get("plain_cpu_p50_ms")),
         "<= 150 ms", _met(_le(c.get("plain_p50_ms"), 150)), _script(c.get("plain_p50_ms"), c.get("fts5_p50_ms"))),
        ('One-off `search` with no hits ("did you mean"), median (CPU)', _fmt_cpu(c.get("no_hits_ms"), c.get("no_hits_cpu_ms")),
         "<= 300 ms", _met(_le(c.get("no_hits_ms"), 300)), "FTS5 has none"),
        ("One-off `list --limit 20`, median (CPU)", _fmt_cpu(c.get("list_20_ms"), c.get("list_20_cpu_ms")),
         "<= 150 ms", _met(_le(c.get("list_20_ms"), 150)), "–"),
        ("One-off `inbox --limit 20`, median (CPU)", _fmt_cpu(c.get("inbox_20_ms"), c.get("inbox_20_cpu_ms")),
         "<= 150 ms", _met(_le(c.get("inbox_20_ms"), 150)), "–"),
        ("App start / bare Textual app", _ratio_app(a), "<= 1.5x", _met(_le(a.get("start_ratio"), 1.5)), "–"),
        ("Keystroke to updated list, p95", _fmt(a.get("keystroke_p95_ms"), "ms"), "<= 150 ms",
         _met(_le(a.get("keystroke_p95_ms"), 150)), "–"),
        ("App peak RSS", _fmt(a.get("rss_mb"), "MB"), "<= 300 MB", _met(_le(a.get("rss_mb"), 300)), "–"),
    ]  # fmt: skip
    t = r.get("triage") or {}
    if t:
        rows += [
            ("Triage: mark one paper (p50 / p95)",
             f"{_fmt(t['mark_one_p50_ms'], 'ms')} / {_fmt(t['mark_one_p95_ms'], 'ms')}", "<= 10 ms",
             _met(_le(t["mark_one_p95_ms"], 10)), "–"),
            (f"Triage: load the state ({t['marks']:,} marks; in a worker in the app)",
             _fmt(t["load_state_ms"], "ms"), "<= 30 ms", _met(_le(t["load_state_ms"], 30)), "–"),
            (f"Triage: open the inbox ({t['inbox_papers']:,} of {t['news_papers']:,} unread)",
             _fmt(t["inbox_open_ms"], "ms"), "", "", "–"),
            (f"Triage: {t['feeds']} saved searches' unread counts", _fmt(t["feed_counts_ms"], "ms"),
             "", "", "–"),
        ]  # fmt: skip
    out = [
        f"Corpus: {r['corpus']['papers']:,} papers in {r['corpus'].get('dumps', '?')} dumps, "
        f"{r['corpus']['chars_per_paper']:,} characters a paper. Machine: {r.get('machine', '?')}. "
        f"Run {r.get('date', '?')}; whoosh {b.get('whoosh', '?')}, Python {b.get('python', '?')}.",
        "",
        "| Measure | Result | Target | | vs SQLite FTS5 |",
        "|---|---|---|---|---|",
    ]
    out += [f"| {' | '.join(row)} |" for row in rows]
    if f.get("query_p50_ms") is not None:
        out += ["", f"FTS5 reference: build {_fmt(f['build_papers_per_s'], 'papers/s')}, "
                f"query p50 {f['query_p50_ms']} ms, p95 {f['query_p95_ms']} ms (top 20 + snippet)."]  # fmt: skip
    if a.get("not_measured"):
        out += ["", f"App: not measured: {a['not_measured']}."]
    warm_ms = {x["query"]: x["ms"] for x in w.get("queries", [])}
    out += ["", "Query times: cold (each query's first run in a fresh process, as `paper-reader search`"
            f" runs one) and after the warm-up the app runs once its first list is drawn"
            f" ({_fmt(w.get('warm_ms'), 'ms')}).", "",
            "| Query kind | query | cold ms | warm ms | hits |", "|---|---|---|---|---|"]  # fmt: skip
    out += [f"| {x['kind']} | `{x['query']}` | {x['ms']} | {warm_ms.get(x['query'], '–')} | {x['hits']} |"
            for x in q["queries"]]  # fmt: skip
    return "\n".join(out) + "\n"


def _fmt_cpu(wall: Any, cpu: Any) -> str:
    return "not measured" if wall is None else f"{_fmt(wall, 'ms')} ({_fmt(cpu, 'ms')})"


def _script(ours: Any, script: Any) -> str:
    """Against a one-shot FTS5 script's process (open, query, print)."""
    if not ours or not script:
        return "–"
    return f"{ours / script:.1f}x an FTS5 script ({_fmt(script, 'ms')})"


def _ratio_app(a: dict[str, Any]) -> str:
    if a.get("start_ratio") is None:
        return "not measured"
    return f"{a['start_ms']:.0f} / {a['bare_textual_start_ms']:.0f} ms = {a['start_ratio']:.2f}x"
