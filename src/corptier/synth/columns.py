"""Arrow columns built straight from numpy buffers: ids, money, rates, dates, categories.

Building 100 million strings one Python object at a time would take minutes; here fixed-width
ids are assembled as byte matrices and handed to Arrow as buffers, and money is written as
128-bit integers (cents) the way Arrow stores DECIMAL(18,2).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

MONEY = pa.decimal128(18, 2)
RATE = pa.decimal128(10, 6)

Part = str | tuple[np.ndarray, int]
"""A piece of an id: literal text, or (numbers, width) written zero-padded."""


_PAIRS = np.array([ord(str(i // 10)) | (ord(str(i % 10)) << 8) for i in range(100)],
                  dtype=np.uint16)


def digits(values: np.ndarray, width: int) -> np.ndarray:
    """(n, width) uint8 matrix of the zero-padded decimal digits of integers 0 <= v < 2**50.

    Two digits at a time in float64 arithmetic (exact below 2**50, and several times faster
    than 64-bit integer division), through a table of the 100 two-character pairs.
    """
    q = np.asarray(values).astype(np.float64)
    out = np.empty((len(q), width + (width & 1)), dtype=np.uint8)
    pairs = out.view(np.uint16)
    for j in range(pairs.shape[1] - 1, -1, -1):
        upper = np.floor(q * 0.01)
        pairs[:, j] = _PAIRS[(q - upper * 100.0).astype(np.intp)]
        q = upper
    return out[:, width & 1 :]


def _validity(valid: np.ndarray | None) -> pa.Buffer | None:
    if valid is None or valid.all():
        return None
    return pa.py_buffer(np.packbits(valid.astype(bool), bitorder="little"))


def fixed_text(matrix: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """A string array whose i-th value is the ASCII bytes of row i of `matrix`."""
    n, width = matrix.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)[: n + 1]
    data = np.ascontiguousarray(matrix, dtype=np.uint8).ravel()
    return pa.Array.from_buffers(
        pa.string(), n, [_validity(valid), pa.py_buffer(offsets), pa.py_buffer(data)]
    )


def id_matrix(n: int, parts: Sequence[Part]) -> np.ndarray:
    """The byte matrix of ids made of `parts` (see `Part`)."""
    blocks = []
    for part in parts:
        if isinstance(part, str):
            raw = np.frombuffer(part.encode("ascii"), dtype=np.uint8)
            blocks.append(np.broadcast_to(raw, (n, len(raw))))
        else:
            blocks.append(digits(np.broadcast_to(part[0], (n,)), part[1]))
    return np.hstack(blocks) if blocks else np.zeros((n, 0), dtype=np.uint8)


def ids(n: int, *parts: Part, valid: np.ndarray | None = None) -> pa.Array:
    """String ids such as `ids(n, "C", (numbers, 10))` -> 'C0000000042'."""
    return fixed_text(id_matrix(n, parts), valid)


def _decimal(units: np.ndarray, dtype: pa.DataType, valid: np.ndarray | None) -> pa.Array:
    units = np.asarray(units, dtype=np.int64)
    pairs = np.empty((len(units), 2), dtype=np.int64)
    pairs[:, 0] = units
    pairs[:, 1] = units >> 63
    return pa.Array.from_buffers(dtype, len(units), [_validity(valid), pa.py_buffer(pairs)])


def money(yuan: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """DECIMAL(18,2) from yuan amounts (rounded to the cent)."""
    cents = np.rint(np.nan_to_num(np.asarray(yuan, dtype=np.float64)) * 100.0)
    return _decimal(cents.astype(np.int64), MONEY, valid)


def rate(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """DECIMAL(10,6) from decimal rates (0.0435), rounded to 1e-6."""
    micro = np.rint(np.nan_to_num(np.asarray(values, dtype=np.float64)) * 1e6).astype(np.int64)
    return _decimal(micro, RATE, valid)


def dates(days: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """date32 from day numbers (days since 1970-01-01)."""
    values = np.asarray(days, dtype=np.int32)
    return pa.Array.from_buffers(pa.date32(), len(values), [_validity(valid), pa.py_buffer(values)])


def integers(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    values = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(values), [_validity(valid), pa.py_buffer(values)])


def choice(labels: Sequence[str | None] | pa.Array, index: np.ndarray,
           valid: np.ndarray | None = None) -> pa.Array:
    """labels[index] as a plain string array (a None label or an invalid index gives a null)."""
    table = labels if isinstance(labels, pa.Array) else pa.array(list(labels), pa.string())
    mask = None if valid is None else ~np.asarray(valid, dtype=bool)
    return table.take(pa.array(np.asarray(index, dtype=np.int32), mask=mask))


def text(values: Sequence[str] | np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Arbitrary (e.g. Chinese) strings from a list or a numpy string array."""
    mask = None if valid is None else ~np.asarray(valid, dtype=bool)
    return pa.array(values, pa.string(), mask=mask)


def sampler(weights: Sequence[float] | np.ndarray, size: int = 1 << 16) -> np.ndarray:
    """A table turning uniform numbers into draws with these weights: table[(u * size)]."""
    cum = np.cumsum(weights) / np.sum(weights)
    return np.searchsorted(cum, (np.arange(size) + 0.5) / size, side="right").clip(
        0, len(cum) - 1)


def draw(table: np.ndarray, u: np.ndarray) -> np.ndarray:
    return table[(u * len(table)).astype(np.intp)]
