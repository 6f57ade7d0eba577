"""Freed memory goes back to the OS between steps, so one step's peak does not add to the next's.

Two allocators keep freed memory: Arrow's pool (columns computed in Arrow) and glibc's malloc
(Python objects, numpy arrays). Each test frees 256 MB of one kind, in blocks the size of a column
chunk, which the allocator would otherwise keep; each in a fresh interpreter, since what an
allocator keeps depends on everything the process did before."""
import json
import subprocess
import sys

import pytest

from pipelines.lib.memory import release_free_memory, resident_mb

TOTAL_MB = 256
PROBE = """
import json, sys
import numpy as np, pyarrow as pa, pyarrow.compute as pc
from pipelines.lib.memory import release_free_memory, resident_mb
blocks, block_values = 4096, 64 * 128  # 4,096 blocks of 64 kB
base = pa.array(np.arange(block_values))
make = {"arrow": lambda i: pc.add(base, i), "malloc": lambda i: np.full(block_values, i)}[sys.argv[1]]
before = resident_mb()
kept = [make(i) for i in range(blocks)]
pin = make(-1)  # allocated last and kept, as the next step's objects are: the heap cannot shrink from its top
grown = resident_mb() - before
del kept
held, after = release_free_memory()
print(json.dumps({"grown": grown, "returned": held - after}))
"""

linux_only = pytest.mark.skipif(resident_mb() is None, reason="resident memory is read from Linux /proc")


def _probe(kind: str) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, kind], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@linux_only
@pytest.mark.parametrize("kind", ["arrow", "malloc"])
def test_freed_memory_is_returned_to_the_os(kind):
    probe = _probe(kind)
    assert probe["grown"] > TOTAL_MB * 0.9, probe
    assert probe["returned"] > TOTAL_MB * 0.5, probe


def test_reports_resident_memory_before_and_after():
    held, after = release_free_memory()
    assert (held is None) == (after is None)
    if held is not None:
        assert 0 < after <= held + 16


CYCLE_PROBE = """
import gc, json
import numpy as np
import pipelines.definitions  # freezes what the import made
from pipelines.lib.memory import release_free_memory, resident_mb
frozen = gc.get_freeze_count()
gc.disable()  # no collection but the step's
before = resident_mb()
class Node:
    pass
for _ in range(64):  # 64 cycles holding 4 MB each, unreachable and freed by the cyclic collector only
    a, b = Node(), Node()
    a.other, b.other, a.data = b, a, np.full(512 * 1024, 1.0)
del a, b
grown = resident_mb() - before
held, after = release_free_memory()
print(json.dumps({"frozen": frozen, "grown": grown, "returned": held - after}))
"""


@linux_only
def test_after_the_import_freeze_a_run_s_cyclic_garbage_is_still_freed():
    """The collector skips what the code's import made, not what a run makes: a reference cycle
    holding a column's memory is still freed and given back when a step starts."""
    done = subprocess.run([sys.executable, "-c", CYCLE_PROBE], capture_output=True, text=True, check=True)
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    assert probe["frozen"] > 10_000, probe  # the import froze the modules' objects
    assert probe["grown"] > 200, probe
    assert probe["returned"] > 200, probe
