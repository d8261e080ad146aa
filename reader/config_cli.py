"""`paper-reader config path | show | init`: where the config file is, the effective settings
with where each came from, and a commented starter file."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from reader.config import Settings, Value, config_path, load_settings
from reader.config_starter import write_starter
from reader.locations import resolve_locations


def add_config_command(sub: Any) -> argparse.ArgumentParser:
    text = "the config file: where it is, the effective settings, or a starter file"
    p: argparse.ArgumentParser = sub.add_parser("config", help=text, description=text)
    p.add_argument(
        "action",
        choices=["path", "show", "init"],
        help="path: the file's location; show: every setting and where it came from "
        "(default, file, environment, flag); init: write a commented file with every default "
        "(never overwrites one)",
    )
    p.add_argument("--json", action="store_true", help="show: print JSON")
    return p


def rows(settings: Settings) -> list[tuple[str, Value[Any]]]:
    """(name, value) for every setting, keys last, in the file's own names."""
    out: list[tuple[str, Value[Any]]] = [
        ("dumps", settings.dumps),
        ("theme", settings.theme),
        ("max_dump_mb", settings.max_dump_mb),
        ("fetch.base_url", settings.base_url),
        ("fetch.days", settings.fetch_days),
        ("inbox.archive_papers", settings.archive_papers),
    ]
    out += [(f"keys.{name}", value) for name, value in settings.keys.items()]
    return out


def _shown(value: object) -> str:
    if value is None:
        return "(none: the app's default)"
    if isinstance(value, tuple):
        return ", ".join(value) if value else "(none: the data dir's dumps, else the samples)"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def run_config(args: argparse.Namespace, out: TextIO) -> int:
    loc = resolve_locations()
    path = config_path(loc)
    if args.action == "path":
        out.write(f"{path}\n")
        return 0
    if args.action == "init":
        write_starter(path)
        out.write(f"wrote {path} (every key commented out, set to its default)\n")
        return 0
    dumps = list(args.dumps) if getattr(args, "dumps", None) else None
    settings = load_settings(loc, flags={"dumps": dumps})
    if args.json:
        doc = {
            "file": str(path),
            "file_exists": settings.file_exists,
            "settings": {
                name: {
                    "value": list(v.value) if isinstance(v.value, tuple) else v.value,
                    "origin": v.origin,
                    "source": v.source,
                }
                for name, v in rows(settings)
            },
        }
        out.write(json.dumps(doc, indent=2) + "\n")
        return 0
    state = "" if settings.file_exists else "  (not present: every setting is its default)"
    out.write(f"config file: {path}{state}\n\n")
    table = rows(settings)
    width = max(len(name) for name, _ in table) + 2
    value_width = min(40, max(len(_shown(v.value)) for _, v in table) + 2)
    for name, v in table:
        source = f" {v.source}" if v.origin in ("environment", "flag") else ""
        out.write(f"{name:<{width}}{_shown(v.value):<{value_width}}({v.origin}{source})\n")
    return 0
