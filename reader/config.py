"""The config file (`<config dir>/config.toml`): read with tomllib, every key optional.

`load_settings` gives the effective settings, each with where it came from; precedence
everywhere is command-line flag, then environment, then the config file, then the default.
A broken file raises `ConfigError`, whose one line names the file, the line or key and what
was expected. The program never writes the file except `paper-reader config init`
(`reader.config_starter`). No Textual here (the key table is plain data).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from reader.config_lines import located, wrong_value
from reader.errors import UserError
from reader.ingest.files import DEFAULT_MAX_DUMP_MB, MAX_DUMP_ENV
from reader.locations import DUMPS_ENV, Locations
from reader.search.news import ARCHIVE_PAPERS
from reader.tui.keys import MAIN_SCREEN_SCOPES, RESERVED_KEYS, SCOPES, Key, all_keys

CONFIG_NAME = "config.toml"
HF_URL_ENV = "PAPER_READER_HF_URL"
DEFAULT_BASE_URL = "https://huggingface.co"
DEFAULT_FETCH_DAYS = 7
#: A dump with more papers than this is an archive, never in the inbox (`reader.search.news`).
DEFAULT_ARCHIVE_PAPERS = ARCHIVE_PAPERS
MAX_FETCH_DAYS = 366

T = TypeVar("T")


class ConfigError(UserError):
    """The config file cannot be used; the message names the file, the line or key, and what
    was expected."""


@dataclass(frozen=True)
class Value(Generic[T]):
    """One effective setting and where it came from."""

    value: T
    #: "default", "file", "environment" or "flag".
    origin: str = "default"
    #: The environment variable, flag or file the value came from ("" for a default).
    source: str = ""


@dataclass(frozen=True)
class Settings:
    """The effective settings."""

    path: Path
    file_exists: bool = False
    dumps: Value[tuple[str, ...]] = Value(())
    theme: Value[str | None] = Value(None)
    #: Binding id -> keys, for every rebindable action (defaults included).
    keys: dict[str, Value[str]] = field(default_factory=dict)
    base_url: Value[str] = Value(DEFAULT_BASE_URL)
    fetch_days: Value[int] = Value(DEFAULT_FETCH_DAYS)
    archive_papers: Value[int] = Value(DEFAULT_ARCHIVE_PAPERS)
    max_dump_mb: Value[float] = Value(float(DEFAULT_MAX_DUMP_MB))

    @property
    def keymap(self) -> dict[str, str]:
        """The rebound actions only (binding id -> keys), for `App.set_keymap`."""
        return {name: v.value for name, v in self.keys.items() if v.origin != "default"}


def config_path(locations: Locations) -> Path:
    return locations.config_dir / CONFIG_NAME


def default_settings(locations: Locations) -> Settings:
    return Settings(config_path(locations), keys=_default_keys())


def _default_keys() -> dict[str, Value[str]]:
    return {k.id: Value(k.keys) for k in all_keys()}


# -- reading -------------------------------------------------------------------------------
_TOP = {"dumps", "theme", "max_dump_mb", "keys", "fetch", "inbox"}
_TABLES = {"keys": None, "fetch": {"base_url", "days"}, "inbox": {"archive_papers"}}


def load_settings(
    locations: Locations,
    environ: Mapping[str, str] | None = None,
    flags: Mapping[str, Any] | None = None,
) -> Settings:
    """The effective settings: `flags` (name -> value, None when not given), then the
    environment, then the config file, then the defaults. Raises `ConfigError`."""
    env = os.environ if environ is None else environ
    given = {k: v for k, v in (flags or {}).items() if v is not None}
    path = config_path(locations)
    data, text = _read(path)
    where = str(path)

    def from_file(name: str, table: str | None = None) -> Any:
        section = data.get(table, {}) if table else data
        return section.get(name)

    dumps: Value[tuple[str, ...]] = Value(())
    if "dumps" in given:
        dumps = Value(tuple(given["dumps"]), "flag", "--dumps")
    elif env.get(DUMPS_ENV, "").strip():
        parts = tuple(p for p in env[DUMPS_ENV].split(os.pathsep) if p.strip())
        dumps = Value(parts, "environment", DUMPS_ENV)
    elif (raw := from_file("dumps")) is not None:
        dumps = Value(_dumps(raw, path, text), "file", where)

    theme: Value[str | None] = Value(None)
    if (raw := from_file("theme")) is not None:
        if not isinstance(raw, str) or not raw.strip():
            raise _wrong(path, text, None, "theme", raw, 'a theme name such as "nord"')
        theme = Value(raw.strip(), "file", where)

    base_url = Value(DEFAULT_BASE_URL)
    if "base_url" in given:
        base_url = Value(_url(given["base_url"], "--base-url"), "flag", "--base-url")
    elif env.get(HF_URL_ENV, "").strip():
        base_url = Value(_url(env[HF_URL_ENV], HF_URL_ENV), "environment", HF_URL_ENV)
    elif (raw := from_file("base_url", "fetch")) is not None:
        if not isinstance(raw, str):
            raise _wrong(
                path, text, "fetch", "base_url", raw, "a URL such as https://huggingface.co"
            )
        try:
            base_url = Value(_url(raw, f"{path}: [fetch] base_url"), "file", where)
        except ConfigError as exc:
            raise _at(path, text, "fetch", "base_url", str(exc)) from None

    fetch_days = Value(DEFAULT_FETCH_DAYS)
    if (raw := from_file("days", "fetch")) is not None:
        if not _whole(raw, 1, MAX_FETCH_DAYS):
            raise _wrong(
                path, text, "fetch", "days", raw, f"a whole number from 1 to {MAX_FETCH_DAYS}"
            )
        fetch_days = Value(int(raw), "file", where)

    archive = Value(DEFAULT_ARCHIVE_PAPERS)
    if (raw := from_file("archive_papers", "inbox")) is not None:
        if not _whole(raw, 0, 10_000_000):
            raise _wrong(path, text, "inbox", "archive_papers", raw, "a whole number, 0 or more")
        archive = Value(int(raw), "file", where)

    max_mb = Value(float(DEFAULT_MAX_DUMP_MB))
    env_mb = env.get(MAX_DUMP_ENV, "").strip()
    if env_mb:
        max_mb = Value(_env_mb(env_mb), "environment", MAX_DUMP_ENV)
    elif (raw := from_file("max_dump_mb")) is not None:
        ok = isinstance(raw, int | float) and not isinstance(raw, bool)
        if not ok or not math.isfinite(raw) or raw <= 0:
            raise _wrong(path, text, None, "max_dump_mb", raw, "a positive number of megabytes")
        max_mb = Value(float(raw), "file", where)

    keys = _default_keys()
    for name, keyspec in _flatten(data.get("keys", {})).items():
        keys[name] = Value(_keys(name, keyspec, path, text), "file", where)
    _check_clashes(keys, path, text)

    return Settings(
        path, bool(text is not None), dumps, theme, keys, base_url, fetch_days, archive, max_mb
    )


def _read(path: Path) -> tuple[dict[str, Any], str | None]:
    """The parsed file and its text ({} and None when there is none)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}, None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder; expected a TOML file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{path}: line {line}: not UTF-8 text; expected a UTF-8 TOML file"
        ) from None
    import tomllib  # only with a config file: most one-off commands run without one

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: TOML syntax error: {exc}") from None
    for name, value in data.items():
        if name not in _TOP:
            raise _at(path, text, None, name, f"unknown key '{name}'; expected one of: "
                      "dumps, theme, max_dump_mb, [keys], [fetch], [inbox]")  # fmt: skip
        if name in _TABLES and not isinstance(value, dict):
            raise _at(path, text, None, name, f"'{name}' should be a [{name}] table")
        allowed = _TABLES.get(name)
        if allowed is not None and isinstance(value, dict):
            for key in value:
                if key not in allowed:
                    raise _at(path, text, name, key, f"unknown key '{key}' in [{name}]; "
                              f"expected one of: {', '.join(sorted(allowed))}")  # fmt: skip
    return data, text


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """`[keys]` with dotted names (`list.down = "j"` is a nested table in TOML) made flat."""
    out: dict[str, Any] = {}
    for name, value in table.items():
        full = f"{prefix}{name}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{full}."))
        else:
            out[full] = value
    return out


#: A key as Textual names it: modifiers, then a single character or a key name.
_KEY_RE = re.compile(r"^((ctrl|shift|alt|meta|super|hyper)\+)*([^\s,+]|[a-z0-9_]+)$")


def normalize_key(key: str) -> str:
    """A key in Textual's long form ("?" -> "question_mark"), as `App.set_keymap` stores it."""
    key = key.strip()
    if len(key) != 1 or key.isalnum():
        return key
    import unicodedata

    try:
        name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return {"\t": "tab"}.get(key, key)
    return _NAME_REPLACEMENTS.get(name, name)


#: Textual's renamings of Unicode character names (textual.keys.KEY_NAME_REPLACEMENTS).
_NAME_REPLACEMENTS = {"solidus": "slash", "reverse_solidus": "backslash",
                      "commercial_at": "at", "hyphen_minus": "minus", "plus_sign": "plus",
                      "low_line": "underscore"}  # fmt: skip


def _keys(name: str, raw: object, path: Path, text: str | None) -> str:
    known = {k.id for k in all_keys()}
    if name not in known:
        app = sorted(k.id for k in SCOPES["app"])
        raise _at(path, text, "keys", name, f"unknown action '{name}' in [keys]; expected one "
                  f"of: {', '.join(app)} (or a widget's, e.g. list.down; '?' lists them all)")  # fmt: skip
    expected = 'a key such as "z", "ctrl+r" or "d,delete"'
    if not isinstance(raw, str):
        raise _wrong(path, text, "keys", name, raw, expected)
    parts = [p.strip() for p in raw.split(",")]
    if not raw.strip() or any(not p or not _KEY_RE.match(p) for p in parts):
        raise _wrong(path, text, "keys", name, raw, expected)
    return ",".join(parts)


def _check_clashes(keys: dict[str, Value[str]], path: Path, text: str | None) -> None:
    """A key may mean one thing: within a scope, between the app and a main-screen widget,
    and never one of Textual's own (ctrl+q, ctrl+c, ctrl+p)."""
    by_scope: dict[str, list[tuple[str, Key]]] = {}
    for k in all_keys():
        for key in keys[k.id].value.split(","):
            by_scope.setdefault(k.scope, []).append((normalize_key(key), k))
    groups = [by_scope.get(s, []) for s in SCOPES]
    groups += [by_scope["app"] + by_scope.get(s, []) for s in MAIN_SCREEN_SCOPES]
    for key, k in by_scope["app"]:
        if key in RESERVED_KEYS and keys[k.id].origin == "file":
            raise _at(path, text, "keys", k.id, f"[keys] {k.id}: '{key}' is Textual's key for "
                      f"{RESERVED_KEYS[key]}; expected another key")  # fmt: skip
    for group in groups:
        seen: dict[str, Key] = {}
        for key, k in group:
            other = seen.setdefault(key, k)
            if other.id != k.id:
                blame = k if keys[k.id].origin == "file" else other
                raise _at(path, text, "keys", blame.id, f"[keys] '{key}' is bound to both "
                          f"{other.id} and {k.id}; expected each key for one action "
                          f"(rebind the other one too)")  # fmt: skip


def _dumps(raw: object, path: Path, text: str | None) -> tuple[str, ...]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(p, str) and p.strip() for p in raw):
        raise _wrong(path, text, None, "dumps", raw, 'a list of paths such as ["~/papers"]')
    out: list[str] = []
    for p in raw:
        expanded = os.path.expanduser(p.strip())
        if not os.path.isabs(expanded):  # relative to the config file, not the working folder
            expanded = str(path.parent / expanded)
        out.append(expanded)
    return tuple(out)


def _url(raw: object, where: str) -> str:
    text = str(raw).strip().rstrip("/")
    if not re.match(r"^https?://[^\s/]+", text):
        raise ConfigError(
            f"{where}: '{raw}' is not an http(s) URL; expected e.g. https://huggingface.co"
        )
    return text


def _whole(raw: object, low: int, high: int) -> bool:
    return isinstance(raw, int) and not isinstance(raw, bool) and low <= raw <= high


def _env_mb(raw: str) -> float:
    """As `reader.ingest.files.max_dump_bytes` reads it: a bad value means the default."""
    try:
        mb = float(raw)
    except ValueError:
        return float(DEFAULT_MAX_DUMP_MB)
    return mb if math.isfinite(mb) and mb > 0 else float(DEFAULT_MAX_DUMP_MB)


def _at(path: Path, text: str | None, table: str | None, key: str, message: str) -> ConfigError:
    return ConfigError(located(path, text, table, key, message))


def _wrong(
    path: Path, text: str | None, table: str | None, key: str, raw: object, expected: str
) -> ConfigError:
    return ConfigError(wrong_value(path, text, table, key, raw, expected))


# -- applying -----------------------------------------------------------------------------
def apply_environment(settings: Settings) -> None:
    """Hand the file's `max_dump_mb` to the ingest layer (and the index's worker processes)
    through the variable it already reads, when the environment does not set it."""
    if settings.max_dump_mb.origin == "file":
        os.environ[MAX_DUMP_ENV] = repr(settings.max_dump_mb.value)
