"""Hand memory that freed objects left in the allocators back to the operating system.

Every step of a run shares one process (the in-process executor), so a step's peak adds to what
the steps before it left behind. Freed memory mostly is not given back: Arrow's allocator
(mimalloc) keeps freed blocks for reuse, and glibc's malloc keeps the top of its heaps. In a run
over 10,000 documents the release audit started with about 230 MB so held (591 MB resident, 362 MB
after this), on top of which it built its own tables. Called where a heavy step starts, after the
previous step's objects are gone, and once extraction has finished, before the extracted tables
are read back (a cold 100,000-document run peaked at 2.8 instead of 3.2 GB).

The cyclic collector's cost grows with every object it tracks, and most are the modules' own
(Dagster, pandas, pyarrow, pandera: 200,000 objects, 0.2-0.3 s a full collection here).
`freeze_imported` moves them out of its reach once they are loaded, so that the collections here
and those Python starts by itself cost milliseconds.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
from functools import lru_cache

import pyarrow as pa


def release_free_memory() -> tuple[float | None, float | None]:
    """Return freed allocator memory to the OS; (resident MB before, after), None where unknown."""
    before = resident_mb()
    gc.collect()  # cyclic garbage holding Arrow buffers frees them only now
    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
    return before, resident_mb()


def freeze_imported() -> None:
    """Exempt every object alive now from the cyclic collector, for the life of the process.

    Called once the code is imported (`pipelines/definitions.py`): modules, classes and functions
    live as long as the process, so collecting never frees them, but each full collection walks
    them all. Objects made afterwards, a run's tables among them, are collected as before. Worker
    processes forked later share the frozen objects' pages instead of copying them when the
    collector would have touched them (Python's `gc.freeze` documentation)."""
    gc.freeze()


@lru_cache(maxsize=1)
def _malloc_trim():
    """glibc's `malloc_trim`, or None on a C library without it (musl, macOS)."""
    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim") if name else None
    except (OSError, AttributeError):
        return None


def resident_mb() -> float | None:
    """This process's resident memory in MB (Linux `/proc`), None elsewhere."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None
