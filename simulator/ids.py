"""Fast string ids ("C0000042") built straight into Arrow buffers, without Python strings."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

_QUADS = np.array([[48 + (q // 10**k) % 10 for k in (3, 2, 1, 0)] for q in range(10_000)],
                  dtype=np.uint8)


def make_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.StringArray:
    """Fixed-width ids ``prefix + zero-padded number``; vectorised over millions of rows."""
    numbers = np.asarray(numbers, dtype=np.int64)
    n = numbers.size
    if n and (numbers.min() < 0 or numbers.max() >= 10**width):
        raise ValueError(f"{prefix} ids need more than {width} digits")
    head = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    length = head.size + width
    buf = np.empty((n, length), dtype=np.uint8)
    buf[:, : head.size] = head
    rest = numbers.copy()
    pos = length
    while pos > head.size:  # four digits per pass through a lookup table
        take = min(4, pos - head.size)
        chunk = _QUADS[rest % 10_000]
        buf[:, pos - take: pos] = chunk[:, 4 - take:]
        rest //= 10_000
        pos -= take
    offsets = np.arange(0, (n + 1) * length, length, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(buf.tobytes()))


def take_strings(values: tuple[str, ...] | list[str], codes: np.ndarray) -> pa.Array:
    """Strings by code through a dictionary array, decoded to plain strings (cheap)."""
    dictionary = pa.array(list(values), type=pa.string())
    indices = pa.array(np.asarray(codes, dtype=np.int32))
    return pa.DictionaryArray.from_arrays(indices, dictionary).cast(pa.string())


def take_strings_nullable(values: tuple[str, ...] | list[str], codes: np.ndarray) -> pa.Array:
    """Like :func:`take_strings`, with code -1 meaning null."""
    codes = np.asarray(codes, dtype=np.int32)
    mask = codes < 0
    dictionary = pa.array(list(values), type=pa.string())
    indices = pa.array(np.where(mask, 0, codes), mask=mask)
    return pa.DictionaryArray.from_arrays(indices, dictionary).cast(pa.string())
