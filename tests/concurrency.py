"""Runs one action from several threads released at the same instant (each on its own connection), the
way parallel requests or workers reach the database; returns what each got, result or exception."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor


def at_once(count: int, action: Callable[[int], object]) -> list[object]:
    start = threading.Barrier(count)

    def run(n: int) -> object:
        start.wait()
        try:
            return action(n)
        except Exception as err:  # the refusal is the outcome under test
            return err

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))
