"""Checks that need file modes to bind, run as a process without the power to ignore them.

Root reads and writes whatever the modes say, so a test of "permission denied" proves
nothing as root. `run` starts its subprocess without that power: when the suite runs as root
(CI does), the child drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from its capability
bounding set before it execs (prctl PR_CAPBSET_DROP). It stays uid 0, so it can still start
the interpreter from a root-only folder (a dropped-to-`nobody` child could not), but file
modes bind it as they bind any user. As any other user the child is started unchanged.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE = 1
_CAP_DAC_READ_SEARCH = 2


def _drop_file_privileges() -> None:
    """In the child, before exec: give up root's bypass of file modes."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """`subprocess.run(args, text=True, ...)` in a process that file modes bind."""
    return subprocess.run(args, preexec_fn=_drop_file_privileges, text=True, **kwargs)


@cache
def why_modes_cannot_bind() -> str | None:
    """None when `run` gives a process that a mode-0 file refuses; else the reason."""
    with tempfile.TemporaryDirectory() as folder:
        secret = Path(folder) / "secret"
        secret.write_text("x")
        secret.chmod(0)
        code = "import sys\ntry:\n    open(sys.argv[1]).read()\nexcept PermissionError:\n    sys.exit(7)\n"
        try:
            res = run([sys.executable, "-c", code, str(secret)], capture_output=True, timeout=60)
        except (OSError, subprocess.SubprocessError) as exc:
            return f"cannot start a process without root's file privileges: {exc}"
        finally:
            secret.chmod(0o600)
    if res.returncode != 7:
        return f"a mode-0 file stays readable (uid {os.geteuid()}; {res.stderr.strip()[-200:]})"
    return None
