"""bench/pipeline.py times each run by the clock and by this process's CPU time."""

from __future__ import annotations

import time

from bench.pipeline import _Timed


def test_cpu_time_leaves_out_the_time_spent_waiting_and_the_clock_does_not():
    # On a machine shared with other work the process waits for a core: the clock counts that wait,
    # the CPU time does not (why the bench prints both ratios).
    with _Timed() as waiting:
        time.sleep(0.3)
    assert waiting.wall >= 0.3 and waiting.cpu < 0.1
    with _Timed() as working:
        total = sum(i * i for i in range(300_000))
    assert total > 0 and working.cpu > 0 and working.cpu <= working.wall + 0.05
