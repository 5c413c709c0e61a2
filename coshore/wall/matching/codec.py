"""Stored embeddings: a unit float32 vector as bytes, int8-quantised with its scale (a
float32 header, then one signed byte per dimension: 388 bytes for MiniLM's 384). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

HEADER = 4


def pack(vector: Any) -> bytes:
    """The bytes of `vector` (any length): scale = max |x| / 127, then round(x / scale)."""
    v = np.asarray(vector, dtype=np.float32).ravel()
    peak = float(np.abs(v).max()) if v.size else 0.0
    scale = peak / 127.0 if peak > 0 else 1.0
    q = np.clip(np.round(v / scale), -127, 127).astype(np.int8)
    return np.float32(scale).tobytes() + q.tobytes()


def unpack(data: bytes | memoryview) -> np.ndarray:
    """The unit float32 vector stored by `pack` (renormalised after quantisation)."""
    raw = bytes(data)
    scale = np.frombuffer(raw[:HEADER], dtype=np.float32)[0]
    v = np.frombuffer(raw[HEADER:], dtype=np.int8).astype(np.float32) * scale
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 else v


def unpack_many(rows: Sequence[bytes | memoryview], dim: int) -> np.ndarray:
    """Many packed vectors of `dim` dimensions as one (n, dim) matrix of unit rows."""
    if not rows:
        return np.zeros((0, dim), dtype=np.float32)
    buf = b"".join(bytes(r) for r in rows)
    width = HEADER + dim
    arr = np.frombuffer(buf, dtype=np.uint8).reshape(len(rows), width)
    scales = arr[:, :HEADER].copy().view(np.float32)
    v = arr[:, HEADER:].copy().view(np.int8).astype(np.float32) * scales
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return v / norms
