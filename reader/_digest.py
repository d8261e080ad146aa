"""SHA-1 and SHA-256 from CPython's built-in modules, without importing `hashlib`.

`hashlib` loads OpenSSL as it is imported (4-5 ms, measured, a tenth of the app's own
start), and the app needs a digest before its first frame (the index directory's name).
The digests are the same; `hashlib`'s are used where the built-in modules are missing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Digest = Callable[[bytes], Any]

try:
    from _sha1 import sha1 as _sha1  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - not CPython
    from hashlib import sha1 as _sha1
try:
    from _sha2 import sha256 as _sha256  # type: ignore[import-not-found]  # CPython 3.12+
except ImportError:
    try:
        from _sha256 import sha256 as _sha256  # type: ignore[import-not-found]  # 3.11
    except ImportError:  # pragma: no cover - not CPython
        from hashlib import sha256 as _sha256

sha1: Digest = _sha1
sha256: Digest = _sha256

__all__ = ["sha1", "sha256"]
