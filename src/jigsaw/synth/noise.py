"""Identity noise: the ways a person's details go wrong in one agency's record.

Array-wide decisions (who gets which error) are vectorised; only the few strings that actually
change are edited in Python. All edits keep a record importable: dates stay valid and never move
past ``as_of``, names stay non-empty.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jigsaw.synth.dates import days_in_month, from_ymd, ymd

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_VOWELS = "aeiou"


def typo(rng: np.random.Generator, text: str) -> str:
    """One keyboard edit: insert, delete, substitute or transpose a letter."""
    for _ in range(8):
        n = len(text)
        op = int(rng.integers(4)) if n >= 3 else 2
        i = int(rng.integers(1, n)) if n > 1 else 0
        letter = _VOWELS[int(rng.integers(5))] if rng.random() < 0.4 else _LETTERS[int(rng.integers(26))]
        if op == 0:
            out = text[:i] + letter + text[i:]
        elif op == 1:
            out = text[:i] + text[i + 1:]
        elif op == 2:
            out = text[:i] + (letter.upper() if i == 0 else letter) + text[i + 1:]
        else:
            i = min(i, n - 2)
            out = text[:i] + text[i + 1] + text[i] + text[i + 2:]
        if out != text and len(out) >= 2 and out[0].isalpha():
            return out
    return text


def edit_strings(arr: pa.Array, mask: np.ndarray, fn: Callable[[str], str]) -> pa.Array:
    """``arr`` with ``fn`` applied to the (non-null) values where ``mask`` is true."""
    idx = np.flatnonzero(mask)
    if not len(idx):
        return arr
    old = arr.take(pa.array(idx)).to_pylist()
    new = [fn(v) if v else v for v in old]
    return pc.replace_with_mask(arr, pa.array(mask), pa.array(new, pa.string()))


def dob_swap(rng: np.random.Generator, dob: np.ndarray, rate: float, as_of: int,
             ) -> tuple[np.ndarray, np.ndarray]:
    """Day and month swapped where that gives a different, past date."""
    y, m, d = ymd(dob)
    sel = (rng.random(len(dob)) < rate) & (d <= 12) & (d != m)
    new = dob.copy()
    new[sel] = from_ymd(y[sel], d[sel], m[sel])
    sel &= new <= as_of
    return np.where(sel, new, dob), sel


def dob_digit(rng: np.random.Generator, dob: np.ndarray, rate: float, as_of: int,
              ) -> tuple[np.ndarray, np.ndarray]:
    """One digit of day, month or year mistyped, keeping a valid past date."""
    out = dob.copy()
    todo = np.flatnonzero(rng.random(len(dob)) < rate)
    done = np.zeros(len(dob), bool)
    for _ in range(6):
        if not len(todo):
            break
        y, m, d = ymd(out[todo])
        part = rng.integers(0, 3, len(todo))
        digit = rng.integers(0, 10, len(todo))
        d2 = np.where(part == 0, d // 10 * 10 + digit, d)
        m2 = np.where(part == 1, m // 10 * 10 + digit, m)
        y2 = np.where(part == 2, y // 10 * 10 + digit, y)
        ok = (m2 >= 1) & (m2 <= 12) & (d2 >= 1)
        ok &= d2 <= days_in_month(y2, np.clip(m2, 1, 12))
        cand = from_ymd(y2, np.clip(m2, 1, 12), np.maximum(d2, 1))
        ok &= (cand <= as_of) & (cand != out[todo])
        out[todo[ok]] = cand[ok]
        done[todo[ok]] = True
        todo = todo[~ok]
    return out, done


def take_str(values: pa.Array, idx: np.ndarray) -> pa.Array:
    """``values[idx]`` with -1 meaning null."""
    idx = np.asarray(idx)
    return values.take(pa.array(idx, mask=idx < 0))
