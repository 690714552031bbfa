"""Pausing CPython's cyclic garbage collector around bulk work.

An import allocates millions of short-lived containers (cells, fields, rows) that live for a
chunk, long enough to be promoted; the collector then walks the whole heap again and again
(measured: about 40% of an import's CPU time). Reference counting still frees all of them: the
collector is only needed for reference cycles, which bulk work does not make. It is paused while
any bulk job runs and resumes when the last one ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_holders = 0
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    global _holders, _was_enabled
    if _holders == 0:
        _was_enabled = gc.isenabled()
        gc.disable()
    _holders += 1
    try:
        yield
    finally:
        _holders -= 1
        if _holders == 0 and _was_enabled:
            gc.enable()
