"""Fast string ids ("C0000042") built straight into Arrow buffers, without Python strings."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

# "0".."99999" as fixed-width byte strings, per width 1..5: ids are assembled from groups of
# up to five digits by table look-up into a record array, one memcpy-like pass per group.
_DIGITS = np.stack([48 + (np.arange(100_000) // 10**k) % 10 for k in (4, 3, 2, 1, 0)],
                   axis=1).astype(np.uint8)
_GROUPS = {w: np.ascontiguousarray(_DIGITS[: 10**w, 5 - w:]).view(f"S{w}").ravel()
           for w in range(1, 6)}


def make_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.StringArray:
    """Fixed-width ids ``prefix + zero-padded number``; vectorised over millions of rows."""
    numbers = np.asarray(numbers, dtype=np.int64)
    n = numbers.size
    if n and (numbers.min() < 0 or numbers.max() >= 10**width):
        raise ValueError(f"{prefix} ids need more than {width} digits")
    sizes = [5] * (width // 5) + ([width % 5] if width % 5 else [])  # low groups first
    fields = [("prefix", f"S{len(prefix)}")] + [
        (f"g{i}", f"S{w}") for i, w in reversed(list(enumerate(sizes)))]
    out = np.empty(n, dtype=fields)
    out["prefix"] = prefix.encode("ascii")
    rest = numbers
    for i, w in enumerate(sizes):
        out[f"g{i}"] = _GROUPS[w][rest % 10**w]
        rest = rest // 10**w
    length = len(prefix) + width
    offsets = np.arange(0, (n + 1) * length, length, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(out.view(np.uint8)))


def take_strings(values: tuple[str, ...] | list[str], codes: np.ndarray) -> pa.Array:
    """Strings by code, as a dictionary array: Parquet stores it as plain strings with a
    dictionary page, and nothing is decoded in memory."""
    dictionary = pa.array(list(values), type=pa.string())
    indices = pa.array(np.asarray(codes, dtype=np.int32))
    return pa.DictionaryArray.from_arrays(indices, dictionary)


def take_strings_nullable(values: tuple[str, ...] | list[str], codes: np.ndarray) -> pa.Array:
    """Like :func:`take_strings`, with code -1 meaning null."""
    codes = np.asarray(codes, dtype=np.int32)
    mask = codes < 0
    dictionary = pa.array(list(values), type=pa.string())
    indices = pa.array(np.where(mask, 0, codes), mask=mask)
    return pa.DictionaryArray.from_arrays(indices, dictionary)
