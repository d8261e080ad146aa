"""The starter config file that `paper-reader config init` writes: every key commented out
at its default, so the file documents itself.

Apart from the reading of the file (`reader.config`), which never writes it: this is the one
place the program creates the config file, once, refusing to overwrite one that exists.
"""

from __future__ import annotations

import os
from pathlib import Path

from reader.atomic import fsync_dir
from reader.config import (
    DEFAULT_ARCHIVE_PAPERS,
    DEFAULT_BASE_URL,
    DEFAULT_FETCH_DAYS,
    HF_URL_ENV,
    ConfigError,
)
from reader.ingest.files import DEFAULT_MAX_DUMP_MB, MAX_DUMP_ENV
from reader.locations import DUMPS_ENV
from reader.tui.keys import SCOPES


def starter_text() -> str:
    """The commented file `config init` writes: every key, set to its default."""
    app_keys = "\n".join(f'# {k.id} = "{k.keys}"' for k in SCOPES["app"])
    return f"""\
# paper-reader configuration. Every key is optional; the values shown are the defaults.
# Precedence: command-line flag, then environment variable, then this file, then the default.
# 'paper-reader config show' prints the effective settings and where each came from.
# paper-reader never rewrites this file.

# Dump files or folders to read when neither --dumps nor {DUMPS_ENV} is given.
# The data folder's dumps/ (where 'paper-reader fetch' saves) is always read too.
# dumps = ["~/papers"]

# The app's theme (any name the command palette's "Change theme" lists). When set, it is the
# theme at every start; a theme picked in the palette lasts for the session.
# theme = "textual-dark"

# Largest dump file read whole, in MB ({MAX_DUMP_ENV} overrides it).
# max_dump_mb = {DEFAULT_MAX_DUMP_MB}

[keys]
# Action name = key, or several keys separated by commas. The '?' help lists every action
# name (widget actions are prefixed: "list.down" = "j,down"). Uncomment to change one.
{app_keys}

[fetch]
# Where 'paper-reader fetch' gets the daily papers ({HF_URL_ENV} or --base-url override it).
# base_url = "{DEFAULT_BASE_URL}"
# At most this many missed days are fetched by 'paper-reader fetch' with no --date/--since.
# days = {DEFAULT_FETCH_DAYS}

[inbox]
# A dump with more papers than this is an archive: searchable, never in the inbox.
# archive_papers = {DEFAULT_ARCHIVE_PAPERS}
"""


def write_starter(path: Path) -> None:
    """Create the starter file atomically; refuses (`ConfigError`) when one exists, even one
    made meanwhile (the temp file is linked into place, which fails if the name is taken)."""
    import contextlib
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise ConfigError(f"cannot create {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(starter_text().encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.link(tmp, path)
    except FileExistsError:
        raise ConfigError(
            f"{path} already exists; not overwriting it (edit it, or move it away first)"
        ) from None
    except OSError as exc:
        raise ConfigError(f"cannot create {path}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    fsync_dir(path.parent)
