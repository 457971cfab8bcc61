"""Giving the heap that Python has freed back to the operating system.

glibc keeps freed memory for reuse; after a burst of short-lived objects (a
parsed seed, the entries of a large monitor) the process keeps their size for
ever. `malloc_trim(3)` returns what it can.
"""

import ctypes
from collections.abc import Callable

__all__ = ["trim"]


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        # The process's own symbols hold the C library's; glibc has malloc_trim.
        function: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
    return function


_MALLOC_TRIM = _malloc_trim()


def trim() -> None:
    """Return the C library's free heap to the system, where the library can."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)
