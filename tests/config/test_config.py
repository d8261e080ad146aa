"""The config file: every key, the precedence order, each kind of broken file, the starter."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from reader.config import (
    DEFAULT_ARCHIVE_PAPERS,
    DEFAULT_BASE_URL,
    ConfigError,
    load_settings,
    normalize_key,
)
from reader.config_starter import starter_text, write_starter
from reader.locations import choose_dumps, resolve_locations
from reader.tui.keys import all_keys


def _write(text: str) -> Path:
    loc = resolve_locations()
    loc.config_dir.mkdir(parents=True, exist_ok=True)
    path = loc.config_dir / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _broken(text: str) -> str:
    path = _write(text)
    with pytest.raises(ConfigError) as info:
        load_settings(resolve_locations(), environ={})
    message = str(info.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    return message[len(str(path)) + 2 :]


def test_no_file_means_every_default() -> None:
    s = load_settings(resolve_locations(), environ={})
    assert not s.file_exists
    assert s.dumps.value == () and s.dumps.origin == "default"
    assert s.theme.value is None
    assert s.base_url.value == DEFAULT_BASE_URL and s.fetch_days.value == 7
    assert s.archive_papers.value == DEFAULT_ARCHIVE_PAPERS == 2000
    assert s.max_dump_mb.value == 64
    assert s.keymap == {}
    assert {k.id for k in all_keys()} == set(s.keys)


def test_every_key_from_the_file(tmp_path: Path) -> None:
    path = _write(
        'dumps = ["~/papers", "rel"]\ntheme = "nord"\nmax_dump_mb = 8.5\n'
        '[keys]\nbookmark = "z"\n'
        'list.down = "j,down"\n"read.up" = "w"\n'
        '[fetch]\nbase_url = "http://127.0.0.1:9/"\ndays = 3\n[inbox]\narchive_papers = 50\n'
    )
    s = load_settings(resolve_locations(), environ={})
    home = os.path.expanduser("~")
    assert s.dumps.value == (f"{home}/papers", str(path.parent / "rel"))
    assert (s.dumps.origin, s.dumps.source) == ("file", str(path))
    assert s.theme.value == "nord"
    assert s.max_dump_mb.value == 8.5
    assert s.keymap == {"bookmark": "z", "list.down": "j,down", "read.up": "w"}
    assert s.base_url.value == "http://127.0.0.1:9" and s.fetch_days.value == 3
    assert s.archive_papers.value == 50 and s.archive_papers.origin == "file"


def test_precedence_flag_then_environment_then_file_then_default() -> None:
    _write('dumps = ["/from/file"]\nmax_dump_mb = 10\n[fetch]\nbase_url = "http://file.example"\n')
    loc = resolve_locations()
    env = {"PAPER_READER_DUMPS": "/from/env", "PAPER_READER_HF_URL": "http://env.example",
           "PAPER_READER_MAX_DUMP_MB": "20"}  # fmt: skip
    flags = {"dumps": ["/from/flag"], "base_url": "http://flag.example"}
    s = load_settings(loc, environ=env, flags=flags)
    assert (s.dumps.value, s.dumps.origin) == (("/from/flag",), "flag")
    assert (s.base_url.value, s.base_url.origin) == ("http://flag.example", "flag")
    assert (s.max_dump_mb.value, s.max_dump_mb.origin) == (20, "environment")
    s = load_settings(loc, environ=env)
    assert (s.dumps.value, s.dumps.origin) == (("/from/env",), "environment")
    assert (s.base_url.value, s.base_url.source) == ("http://env.example", "PAPER_READER_HF_URL")
    s = load_settings(loc, environ={})
    assert (s.dumps.value, s.dumps.origin) == (("/from/file",), "file")
    assert (s.base_url.value, s.base_url.origin) == ("http://file.example", "file")
    assert (s.max_dump_mb.value, s.max_dump_mb.origin) == (10, "file")
    assert (s.fetch_days.value, s.fetch_days.origin) == (7, "default")


def test_config_dumps_add_the_data_dir_and_yield_to_env_and_flag(tmp_path: Path) -> None:
    loc = resolve_locations()
    papers = tmp_path / "papers"
    sel = choose_dumps(None, loc, environ={}, config_paths=[str(papers)])
    assert sel.roots == [papers] and sel.origin == "config file"
    loc.user_dumps_dir.mkdir(parents=True)
    sel = choose_dumps(None, loc, environ={}, config_paths=[str(papers)])
    assert sel.roots == [papers, loc.user_dumps_dir]
    env = {"PAPER_READER_DUMPS": str(tmp_path / "env")}
    assert choose_dumps(None, loc, environ=env, config_paths=[str(papers)]).origin == (
        "PAPER_READER_DUMPS"
    )
    assert choose_dumps(["x"], loc, environ=env, config_paths=[str(papers)]).origin == "--dumps"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('theme = "nord"\n[keys\nbookmark = "z"\n', r"TOML syntax error: .*line 2"),
        ('theme = "nord"\n\nthem = "x"\n', r"^line 3: unknown key 'them'; expected one of"),
        ("[fetch]\ndays = 3\nretries = 2\n", r"^line 3: unknown key 'retries' in \[fetch\]"),
        ("[fetch]\n\ndays = \"7\"\n", r'^line 3: \[fetch\] days = "7": expected a whole number'),
        ("[fetch]\ndays = 0\n", r"^line 2: .*expected a whole number from 1"),
        ('[fetch]\nbase_url = "ftp://x"\n', r"^line 2: .*not an http\(s\) URL"),
        ("theme = 3\n", r"^line 1: theme = 3: expected a theme name"),
        ("dumps = 3\n", r"^line 1: dumps = 3: expected a list of paths"),
        ("max_dump_mb = -1\n", r"^line 1: max_dump_mb = -1: expected a positive number"),
        ("max_dump_mb = true\n", r"^line 1: .*expected a positive number"),
        ('[inbox]\narchive_papers = "many"\n', r"^line 2: \[inbox\] archive_papers"),
        ('keys = "z"\n', r"^line 1: 'keys' should be a \[keys\] table"),
        ('[keys]\nbookmrk = "z"\n', r"^line 2: unknown action 'bookmrk' in \[keys\]; expected"),
        ("[keys]\nbookmark = 5\n", r'^line 2: \[keys\] bookmark = 5: expected a key such as "z"'),
        ('[keys]\nbookmark = "a b"\n', r"^line 2: .*expected a key such as"),
        ('[keys]\nbookmark = "z,"\n', r"^line 2: .*expected a key such as"),
        ('[keys]\nbookmark = "z"\nsort = "z"\n',
         r"^line 3: \[keys\] 'z' is bound to both bookmark and sort; expected each key"),
        ('[keys]\n\nbookmark = "s"\n', r"^line 3: \[keys\] 's' is bound to both bookmark and sort"),
        ('[keys]\nbookmark = "j"\n', r"^line 2: \[keys\] 'j' is bound to both bookmark and list.down"),
        ('[keys]\nhelp = "/"\n', r"'slash' is bound to both search and help"),
        ('[keys]\nlist.up = "j"\n', r"^line 2: \[keys\] 'j' is bound to both list.down and list.up"),
        ('[keys]\nbookmark = "ctrl+p"\n', r"^line 2: \[keys\] bookmark: 'ctrl\+p' is Textual's key"),
    ],
)  # fmt: skip
def test_broken_files_name_the_line_or_key_and_what_was_expected(text: str, expected: str) -> None:
    assert re.search(expected, _broken(text))


def test_a_key_moved_away_frees_it_for_another_action() -> None:
    _write('[keys]\nsort = "Z"\nbookmark = "s"\n')
    assert load_settings(resolve_locations(), environ={}).keymap == {"sort": "Z", "bookmark": "s"}


def test_not_utf8_and_a_folder_are_one_line_errors() -> None:
    loc = resolve_locations()
    loc.config_dir.mkdir(parents=True)
    (loc.config_dir / "config.toml").write_bytes(b'theme = "nord"\n# caf\xe9\n')
    with pytest.raises(ConfigError, match=r"line 2: not UTF-8"):
        load_settings(loc, environ={})
    (loc.config_dir / "config.toml").unlink()
    (loc.config_dir / "config.toml").mkdir()
    with pytest.raises(ConfigError, match="is a folder"):
        load_settings(loc, environ={})


def test_normalize_key_matches_textual() -> None:
    """The CLI checks clashes without Textual: its key names must be Textual's."""
    from textual.keys import _normalize_key_list

    for code in range(33, 127):
        char = chr(code)
        if char == ",":  # separates keys in a binding, never a key itself
            continue
        assert normalize_key(char) == _normalize_key_list(char), char
    for name in ("ctrl+r", "delete", "f5", "shift+tab"):
        assert normalize_key(name) == _normalize_key_list(name)


def test_starter_file_is_every_default_commented_out() -> None:
    loc = resolve_locations()
    text = starter_text()
    assert tomllib.loads(text) == {"keys": {}, "fetch": {}, "inbox": {}}
    # Uncommenting every assignment gives back the defaults (the dumps example aside).
    active = re.sub(r'^# ((?!dumps)[\w."]+ = )', r"\1", text, flags=re.M)
    write_starter(loc.config_dir / "config.toml")
    (loc.config_dir / "config.toml").write_text(active, encoding="utf-8")
    s = load_settings(loc, environ={})
    defaults = load_settings(loc.__class__(*(p / "none" for p in loc)), environ={})
    assert s.keymap == {k: v.value for k, v in s.keys.items() if k in dict(s.keymap)}
    for name in ("theme", "base_url", "fetch_days", "archive_papers", "max_dump_mb"):
        if name == "theme":
            assert s.theme.value == "textual-dark"
            continue
        assert getattr(s, name).value == getattr(defaults, name).value, name
        assert getattr(s, name).origin == "file", name
    assert {k: v.value for k, v in s.keys.items()} == {k: v.value for k, v in defaults.keys.items()}


def test_write_starter_refuses_to_overwrite() -> None:
    path = resolve_locations().config_dir / "config.toml"
    write_starter(path)
    path.write_text('theme = "mine"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="already exists; not overwriting"):
        write_starter(path)
    assert path.read_text(encoding="utf-8") == 'theme = "mine"\n'
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})},
    )  # fmt: skip


def test_cli_config_path_init_show(tmp_path: Path) -> None:
    path = resolve_locations().config_dir / "config.toml"
    res = _run("config", "path")
    assert res.returncode == 0 and res.stdout.strip() == str(path)
    res = _run("config", "init")
    assert res.returncode == 0 and path.is_file() and str(path) in res.stdout
    res = _run("config", "init")
    assert res.returncode == 1 and "already exists; not overwriting" in res.stderr
    assert res.stderr.count("\n") == 1 and "Traceback" not in res.stderr
    path.write_text('theme = "nord"\n[keys]\nbookmark = "z"\n', encoding="utf-8")
    res = _run("config", "show", env={"PAPER_READER_HF_URL": "http://127.0.0.1:1"})
    assert res.returncode == 0, res.stderr
    lines = {line.split()[0]: line for line in res.stdout.splitlines()[2:]}
    assert lines["theme"].split()[1:] == ["nord", "(file)"]
    assert lines["keys.bookmark"].split()[1:] == ["z", "(file)"]
    assert lines["keys.sort"].split()[1:] == ["s", "(default)"]
    assert lines["fetch.base_url"].split()[1:] == [
        "http://127.0.0.1:1", "(environment", "PAPER_READER_HF_URL)"]  # fmt: skip
    assert lines["inbox.archive_papers"].split()[1:] == ["2000", "(default)"]
    res = _run("--dumps", str(tmp_path), "config", "show", "--json")
    import json

    doc = json.loads(res.stdout)["settings"]
    assert doc["dumps"] == {"value": [str(tmp_path)], "origin": "flag", "source": "--dumps"}
    assert doc["keys.help"]["value"] == "question_mark"


def test_cli_exits_1_with_one_line_on_a_broken_file(sample_dir: Path) -> None:
    path = resolve_locations().config_dir / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text("[fetch]\ndays = 'seven'\n", encoding="utf-8")
    for args in (("config", "show"), ("--dumps", str(sample_dir), "list")):
        res = _run(*args)
        assert res.returncode == 1
        assert res.stderr == (
            f'paper-reader: error: {path}: line 2: [fetch] days = "seven": '
            "expected a whole number from 1 to 366\n"
        )
    assert _run("config", "path").returncode == 0
    assert path.read_text(encoding="utf-8") == "[fetch]\ndays = 'seven'\n"  # never rewritten


def test_config_dumps_are_read_by_the_cli(sample_dir: Path) -> None:
    path = resolve_locations().config_dir / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text(f"dumps = [{str(sample_dir)!r}]\n", encoding="utf-8")
    res = _run("paths", "--json")
    import json

    dumps = json.loads(res.stdout)["dumps"]
    assert dumps == {"origin": "config file", "paths": [str(sample_dir)]}


def test_config_max_dump_mb_reaches_the_ingest_layer(sample_dir: Path) -> None:
    path = resolve_locations().config_dir / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text("max_dump_mb = 0.001\n", encoding="utf-8")
    res = _run("--dumps", str(sample_dir), "index")
    assert "set PAPER_READER_MAX_DUMP_MB to raise the cap" in res.stderr + res.stdout
    res = _run(
        "--dumps", str(sample_dir), "index", "--rebuild", env={"PAPER_READER_MAX_DUMP_MB": "64"}
    )
    assert "raise the cap" not in res.stderr + res.stdout


def test_config_archive_papers_reaches_the_inbox(sample_dir: Path) -> None:
    """The samples hold 205 papers in three dumps (the largest 103): with archive_papers = 50
    the two dumps over 50 papers are archives, out of the inbox."""
    path = resolve_locations().config_dir / "config.toml"
    path.parent.mkdir(parents=True)
    before = _run("--dumps", str(sample_dir), "inbox", "--count")
    assert before.stdout == "205\n", before.stderr
    path.write_text("[inbox]\narchive_papers = 50\n", encoding="utf-8")
    after = _run("--dumps", str(sample_dir), "inbox", "--count")
    assert after.returncode == 0 and int(after.stdout) < 205


def test_every_binding_in_the_app_has_an_id_from_the_key_table() -> None:
    """`[keys]` rebinds by binding id: every binding of the app, its widgets and screens has
    one, and each comes from reader/tui/keys.py (no Binding(...) written elsewhere)."""
    from reader.tui.app import PaperReaderApp
    from reader.tui.panes.read import ReadPane
    from reader.tui.screens.edit import EditNoteScreen, EditTagsScreen
    from reader.tui.screens.help import HelpScreen
    from reader.tui.screens.triage import ConfirmScreen, NameScreen
    from reader.tui.widgets.choices import ChoiceList, Tick
    from reader.tui.widgets.paper_list import PaperList
    from reader.tui.widgets.tick_list import TickList

    ids = set()
    for cls in (PaperReaderApp, ReadPane, EditNoteScreen, EditTagsScreen, HelpScreen, ChoiceList,
                Tick, PaperList, TickList, ConfirmScreen, NameScreen):  # fmt: skip
        for binding in cls.BINDINGS:
            assert getattr(binding, "id", None), (cls.__name__, binding)
            ids.add(binding.id)
    assert ids == {k.id for k in all_keys()}
    tui = Path(__file__).resolve().parents[2] / "reader" / "tui"
    for source in tui.rglob("*.py"):
        if source.name != "keys.py":
            assert "Binding(" not in source.read_text(encoding="utf-8"), source


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_TOML_BITS = st.sampled_from([
    "[keys]\n", "[fetch]\n", "[inbox]\n", "[keys.list]\n", 'bookmark = "z"\n', 'sort = "z"\n',
    "days = 3\n", "days = 0\n", 'base_url = "http://x"\n', "archive_papers = -1\n",
    'theme = "nord"\n', "dumps = []\n", 'dumps = ["a"]\n', "max_dump_mb = 1e400\n", "x = 1\n",
    'down = "j"\n', "= \n", '"\n', "[[keys]]\n", "keys = 1\n", "\x00", "é\n",
])  # fmt: skip


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(_TOML_BITS, max_size=8) | st.text(max_size=60))
def test_any_file_gives_settings_or_one_config_error(parts: list[str] | str) -> None:
    text = parts if isinstance(parts, str) else "".join(parts)
    path = _write(text)
    try:
        load_settings(resolve_locations(), environ={})
    except ConfigError as exc:
        assert str(exc).startswith(f"{path}") and "\n" not in str(exc)
