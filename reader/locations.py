"""Every path paper-reader uses, in one place: platformdirs plus environment overrides.

Overrides, strongest first: `PAPER_READER_DATA_DIR`, `PAPER_READER_CACHE_DIR`,
`PAPER_READER_CONFIG_DIR`, `PAPER_READER_STATE_DIR`; then the platform's rules
(on Linux the `XDG_*` variables; relative or empty values are ignored, as the XDG
spec says). A path that cannot be made absolute is an error, never a stray `~` folder.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import platformdirs

APP_NAME = "paper-reader"
DUMPS_ENV = "PAPER_READER_DUMPS"
DUMP_SUFFIXES = (".txt", ".md", ".json", ".jsonl")
_XDG_VARS = ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME")


class LocationError(Exception):
    """A directory paper-reader needs cannot be determined or created."""


@contextmanager
def _sane_xdg_env() -> Iterator[None]:
    """Hide relative XDG values from platformdirs for the duration (the spec says ignore them)."""
    hidden: dict[str, str] = {}
    for var in _XDG_VARS:
        value = os.environ.get(var)
        if value is not None and not os.path.isabs(value.strip()):
            hidden[var] = os.environ.pop(var)
    try:
        yield
    finally:
        os.environ.update(hidden)


def _platform_dir(kind: str, override_var: str) -> Path:
    override = os.environ.get(override_var, "").strip()
    if override:
        path = Path(override).expanduser()
        if not path.is_absolute():
            raise LocationError(f"{override_var} must be an absolute path, got {override!r}")
        return path
    with _sane_xdg_env():
        raw = getattr(platformdirs, f"user_{kind}_dir")(APP_NAME, appauthor=False)
    if not raw or raw.startswith("~") or not os.path.isabs(raw):
        raise LocationError(
            f"cannot determine the user {kind} directory (is HOME set?); "
            f"set {override_var} to an absolute path"
        )
    return Path(raw)


class Locations(NamedTuple):
    """The user directories. Nothing is created until `ensure()` is called for a path."""

    data_dir: Path
    cache_dir: Path
    config_dir: Path
    state_dir: Path

    @property
    def bookmarks_file(self) -> Path:
        return self.data_dir / "bookmarks.json"

    @property
    def reading_file(self) -> Path:
        """Reading state (seen/dismissed), the undo journal and saved searches (SQLite)."""
        return self.data_dir / "reading.sqlite"

    @property
    def user_dumps_dir(self) -> Path:
        return self.data_dir / "dumps"

    @property
    def state_file(self) -> Path:
        """Small UI state (last query, filters, pane, theme)."""
        return self.state_dir / "state.json"

    @property
    def log_file(self) -> Path:
        """The rotating log of unexpected errors and degraded features (`reader.diagnostics`)."""
        return self.state_dir / "paper-reader.log"

    @property
    def index_root(self) -> Path:
        return self.cache_dir / "index"

    def index_dir(self, dump_roots: Sequence[Path]) -> Path:
        """One index per dump set, so switching `--dumps` does not churn a single index."""
        key = "\n".join(sorted(str(p) for p in dump_roots))
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        return self.index_root / digest


def resolve_locations() -> Locations:
    """Work out the user directories from the environment (creates nothing)."""
    return Locations(
        data_dir=_platform_dir("data", "PAPER_READER_DATA_DIR"),
        cache_dir=_platform_dir("cache", "PAPER_READER_CACHE_DIR"),
        config_dir=_platform_dir("config", "PAPER_READER_CONFIG_DIR"),
        state_dir=_platform_dir("state", "PAPER_READER_STATE_DIR"),
    )


def ensure_dir(path: Path, mode: int = 0o700) -> Path:
    """Create `path` (and parents) or raise `LocationError` with a one-line reason."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=mode)
    except FileExistsError as exc:
        raise LocationError(f"{path} exists but is not a directory") from exc
    except OSError as exc:
        raise LocationError(f"cannot create {path}: {exc.strerror or exc}") from exc
    if not path.is_dir():
        raise LocationError(f"{path} exists but is not a directory")
    return path


def bundled_samples() -> Path:
    """The sample dumps shipped inside the package."""
    return Path(__file__).resolve().parent / "sample_dumps"


@dataclass(frozen=True)
class DumpSelection:
    """The dump paths in use and how they were chosen (shown by `paper-reader paths`)."""

    roots: list[Path]
    origin: str
    details: list[str] = field(default_factory=list)


def choose_dumps(
    cli_paths: Sequence[str] | None,
    locations: Locations,
    environ: Mapping[str, str] | None = None,
    config_paths: Sequence[str] | None = None,
) -> DumpSelection:
    """`--dumps`, then `PAPER_READER_DUMPS`, then the config file's `dumps` (plus
    `<data dir>/dumps/` when it exists), then `<data dir>/dumps/` if not empty, else samples."""
    env = os.environ if environ is None else environ
    if cli_paths:
        return DumpSelection([_absolute(p) for p in cli_paths], "--dumps")
    env_value = env.get(DUMPS_ENV, "").strip()
    if env_value:
        parts = [p for p in env_value.split(os.pathsep) if p.strip()]
        if parts:
            return DumpSelection([_absolute(p) for p in parts], DUMPS_ENV)
    user_dir = locations.user_dumps_dir
    if config_paths:
        roots = [_absolute(p) for p in config_paths]
        if user_dir.is_dir() and user_dir not in roots:
            roots.append(user_dir)
        return DumpSelection(roots, "config file")
    if user_dir.is_dir() and any(p.is_file() for p in user_dir.rglob("*")):
        return DumpSelection([user_dir], "data dir")
    return DumpSelection([bundled_samples()], "bundled samples")


def _absolute(raw: str) -> Path:
    return Path(os.path.abspath(os.path.expanduser(raw.strip())))
