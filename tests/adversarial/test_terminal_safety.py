"""No control sequence carried by the data reaches the terminal: bytes checked on a real pty.

The hostile dump puts clipboard writes (OSC 52), window-title changes (OSC 0), screen clears,
terminal resets, 8-bit CSI, BEL, NUL and bidi overrides into titles, abstracts, a file name,
a bookmark note and tags, then the app is driven through every pane.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.adversarial.ptyrun import run_in_pty

ESC = "\x1b"
PAYLOADS = {
    "osc52": f"{ESC}]52;c;UFdORUQ=\x07",
    "title": f"{ESC}]0;PWNED-TITLE\x07",
    "title_st": f"{ESC}]2;PWNED-TITLE2{ESC}\\",
    "clear": f"{ESC}[2J{ESC}[31;1;4mRED",
    "reset": f"{ESC}c",
    "csi8": "\x9b31;7m",
    "bel": "\x07\x07",
    "nul": "\x00",
    "bidi": "\u202egnp.exe",
}
FORBIDDEN_BYTES = [
    b"\x1b]52", b"\x1b]0;PWNED", b"\x1b]2;PWNED", b"\x1b[31;1;4m", b"\x1bc", b"\x00",
]  # fmt: skip
FORBIDDEN_CHARS = ["\x9b", "\u202e"]
MARKUP = [
    "[bold]not bold[/bold]",
    "[/]",
    "[@click=app.quit]click[/]",
    "[link=file:///etc/passwd]x[/link]",
]


def _hostile_dump(root: Path) -> Path:
    root.mkdir()
    blocks = ["new", "Get trending papers in your email inbox!", "Subscribe", "Mar 14"]
    for n, (name, payload) in enumerate(PAYLOADS.items()):
        blocks.append(f"Hostile {name} paper {payload} title {n}")
        blocks.append(
            f"This abstract about quokkas carries a {name} payload {payload} in the middle of its "
            f"text and {MARKUP[n % len(MARKUP)]} markup-like text, long enough to be an abstract."
        )
    evil_name = root / f"evil{ESC}]0;PWNED-FILE\x07name.txt"
    evil_name.write_text("\n\n".join(blocks), encoding="utf-8")
    return root


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        TERM="xterm-256color", COLORTERM="truecolor", LANG="C.UTF-8", TEXTUAL_ANIMATIONS="none"
    )
    return env


def _check(output: bytes) -> None:
    for needle in FORBIDDEN_BYTES:
        assert needle not in output, f"{needle!r} reached the terminal"
    text = output.decode("utf-8", errors="replace")
    for char in FORBIDDEN_CHARS:
        assert char not in text, f"{char!r} reached the terminal"
    # BEL is only acceptable as the terminator of the terminal's own OSC replies; the app sends none.
    assert "\x07\x07" not in text


@pytest.mark.slow
def test_hostile_text_never_reaches_the_terminal(tmp_path: Path) -> None:
    dumps = _hostile_dump(tmp_path / "dumps")
    env = _env(tmp_path)
    index = subprocess.run(
        [sys.executable, "-m", "reader", "--dumps", str(dumps), "index", "--json"],
        capture_output=True, env=env, timeout=120,
    )  # fmt: skip
    assert index.returncode == 0, index.stderr
    _check(index.stdout + index.stderr)
    papers = json.loads(index.stdout)["papers"]
    assert papers == len(PAYLOADS)
    listed = subprocess.run(
        [sys.executable, "-m", "reader", "--dumps", str(dumps), "list", "--json"],
        capture_output=True, env=env, timeout=120,
    )  # fmt: skip
    first_id = json.loads(listed.stdout)[0]["id"]
    note = f"note {PAYLOADS['osc52']} {PAYLOADS['title']} {PAYLOADS['bidi']} [bold]x[/]"
    added = subprocess.run(
        [sys.executable, "-m", "reader", "--dumps", str(dumps), "bookmarks", "add", first_id,
         "--tag", f"t{PAYLOADS['clear']}", "--note", note],
        capture_output=True, env=env, timeout=120,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    _check(added.stdout + added.stderr)

    keys = [
        (0.3, b"/"), (0.3, b"quokkas"), (1.0, b"\r"), (0.5, b"\x1b"), (0.3, b"j"), (0.3, b"j"),
        (0.3, b"\r"), (0.5, b"\x1b"), (0.3, b"B"), (1.0, b"1"), (0.3, b"?"), (1.0, b"\x1b"),
        (0.3, b"/"), (0.3, PAYLOADS["title"].encode()), (1.0, b"\x1b"), (0.3, b"m"),
        (1.0, b"\x1b"), (0.3, b"b"), (0.5, b"q"),
    ]  # fmt: skip
    # The keys start once the first frame is out: its title bar counts the papers.
    output, status = run_in_pty(
        ["--dumps", str(dumps)], env, keys, timeout=120, wait_for=b" papers"
    )
    assert b"quokkas" in output or b"Hostile" in output, output[-2000:]
    _check(output)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, (status, output[-3000:])
