"""Where a key is set in the config file's text, for error messages that name its line.

`tomllib` parses the file but keeps no positions, so a value that parses yet is wrong (an
unknown key, a number out of range, a key bound twice) is found again here by a plain scan
of the text: `located` and `wrong_value` build the one-line message `reader.config` raises,
"<file>: line <n>: ..." (no line when the scan does not find the key).
"""

from __future__ import annotations

import re
from pathlib import Path


def line_of(text: str | None, table: str | None, key: str) -> int | None:
    """The line where `key` is set in `[table]` (None: top level), found by a plain scan."""
    if text is None:
        return None
    head, _, leaf = key.partition(".")

    def assigns(line: str, name: str) -> bool:
        quoted = "|".join((re.escape(name), f'"{re.escape(name)}"', f"'{re.escape(name)}'"))
        return re.match(rf"^\s*(?:{quoted})\s*=", line) is not None

    def dotted(line: str, first: str, second: str) -> bool:
        return re.match(rf"^\s*{re.escape(first)}\s*\.\s*{re.escape(second)}\s*=", line) is not None

    current: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        header = re.match(r"^\s*\[\s*([^\]]+?)\s*\]", line)
        if header:
            current = header.group(1).replace(" ", "")
            if table is None and current == key:
                return number
            continue
        if table is None:
            found = current is None and assigns(line, key)
        elif current == table:
            found = assigns(line, key) or bool(leaf and dotted(line, head, leaf))
        elif leaf and current == f"{table}.{head}":
            found = assigns(line, leaf)
        else:
            found = current is None and dotted(line, table, key)
        if found:
            return number
    return None


def located(path: Path, text: str | None, table: str | None, key: str, message: str) -> str:
    """`message` prefixed with the file and, when it is found, the line setting `key`."""
    line = line_of(text, table, key)
    return f"{path}: {f'line {line}: ' if line else ''}{message}"


def wrong_value(
    path: Path, text: str | None, table: str | None, key: str, raw: object, expected: str
) -> str:
    """The message for a value of the wrong kind: the key, the value as TOML writes it, and
    what was expected."""
    name = f"[{table}] {key}" if table else key
    return located(path, text, table, key, f"{name} = {_toml_repr(raw)}: expected {expected}")


def _toml_repr(raw: object) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, str):
        return f'"{raw}"'
    return str(raw)[:60]
