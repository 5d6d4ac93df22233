"""Columnar accumulation of a chunk's events before they are routed to source systems.

Generators append whole arrays at once; ``add`` returns each row's index (or -1 where the row was
dropped for falling outside the window or before the person's birth), which is how injected
patterns point their truth rows at the events that make them.
"""

from __future__ import annotations

import numpy as np

from jigsaw.feeds import EVENT_TYPES
from jigsaw.synth.texts import ET, ETYPES

_PREBIRTH_OK = np.array([EVENT_TYPES[t].prebirth_ok for t in ETYPES])
_COLS = ("person", "fam", "etype", "date", "text", "signif", "kind", "prac")


class EventBuf:
    """Append-only event columns for one chunk."""

    def __init__(self, birth: np.ndarray, lo: int, hi: int) -> None:
        self.birth, self.lo, self.hi = birth, lo, hi
        self.parts: dict[str, list[np.ndarray]] = {c: [] for c in _COLS}
        self.n = 0

    def add(self, person: np.ndarray, fam: int | np.ndarray, etype: str | np.ndarray,
            date: np.ndarray, text: np.ndarray | int, *, signif: int | np.ndarray = -1,
            kind: int | np.ndarray = -1, prac: int | np.ndarray = -1) -> np.ndarray:
        """Append events (scalars broadcast); returns row indices, -1 for dropped rows."""
        person = np.asarray(person, "int64").ravel()
        m = len(person)
        code = np.full(m, ET[etype]) if isinstance(etype, str) else np.asarray(etype)
        cols = {"person": person, "fam": np.broadcast_to(np.asarray(fam, "int64"), m),
                "etype": np.broadcast_to(code, m),
                "date": np.broadcast_to(np.asarray(date, "int64"), m),
                "text": np.broadcast_to(np.asarray(text, "int64"), m),
                "signif": np.broadcast_to(np.asarray(signif, "int64"), m),
                "kind": np.broadcast_to(np.asarray(kind, "int64"), m),
                "prac": np.broadcast_to(np.asarray(prac, "int64"), m)}
        d = cols["date"]
        ok = (d >= self.lo) & (d <= self.hi)
        ok &= (d >= self.birth[person]) | _PREBIRTH_OK[cols["etype"]]
        rows = np.full(m, -1, "int64")
        k = int(ok.sum())
        rows[ok] = self.n + np.arange(k)
        for c, v in cols.items():
            self.parts[c].append(v[ok].astype("int64"))
        self.n += k
        return rows

    def columns(self) -> dict[str, np.ndarray]:
        """All events so far as concatenated arrays (row i is the i-th kept event)."""
        return {c: (np.concatenate(v) if v else np.zeros(0, "int64")) for c, v in self.parts.items()}
