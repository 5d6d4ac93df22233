"""Vectorised NHS numbers, UPNs and source ids, unique across chunks by construction.

Each person has a global number ``gid = chunk * PERSON_CAP + local``. NHS numbers are a bijection
of gid into the 8xx/9xx ranges (not issued in England, so no real patient's number is produced),
valid by modulus 11; gids at or above ``NOBODY_BASE`` are never given to a person and supply
"wrong but valid" numbers that belong to nobody. UPNs follow the DfE format with a check letter.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

PERSON_CAP = 100_000  # people (and records per source) per chunk
EVENT_CAP = 1_000_000  # events per source per chunk
NOBODY_BASE = 90_000_000
_MULT, _ADD, _SPACE = 36_851_927, 12_345_679, 100_000_000
_NHS_WEIGHTS = np.arange(10, 1, -1, dtype="int64")
UPN_LETTERS = np.array(list("ABCDEFGHJKLMNPQRTUVWXYZ"))
UPN_LA_BASE = 990


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """(n, width) matrix of decimal digits, most significant first."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype="int64")
    return (np.asarray(values, "int64")[:, None] // powers) % 10


def nhs_check(base9: np.ndarray) -> np.ndarray:
    """Modulus 11 check digit of 9-digit bases; 10 means no valid number exists."""
    total = _digits(base9, 9) @ _NHS_WEIGHTS
    check = 11 - total % 11
    return np.where(check == 11, 0, check)


def nhs_valid(numbers: np.ndarray) -> np.ndarray:
    """True where the 10-digit number passes the modulus 11 check."""
    numbers = np.asarray(numbers, "int64")
    check = nhs_check(numbers // 10)
    return (check != 10) & (check == numbers % 10)


def nhs_for(gid: np.ndarray) -> np.ndarray:
    """The (valid, unique) NHS number of each global person number."""
    z = (np.asarray(gid, "int64") * _MULT + _ADD) % _SPACE
    base = 900_000_000 + z
    check = nhs_check(base)
    # 9xxxxxxxx with check 10 -> 8xxxxxxxx is always valid (sum shifts by 10 = -1 mod 11)
    base = np.where(check == 10, base - 100_000_000, base)
    return base * 10 + nhs_check(base)


def nhs_nobody(rng: np.random.Generator, n: int) -> np.ndarray:
    """Valid NHS numbers that belong to no synthetic person."""
    return nhs_for(NOBODY_BASE + rng.integers(0, _SPACE // 10, n))


def nhs_typo(rng: np.random.Generator, numbers: np.ndarray) -> np.ndarray:
    """Each number with one digit mistyped so that it fails the check."""
    out = np.asarray(numbers, "int64").copy()
    todo = np.arange(len(out))
    for _ in range(20):
        if not len(todo):
            break
        pos = 10 ** rng.integers(0, 10, len(todo))
        digit = (out[todo] // pos) % 10
        new = (digit + rng.integers(1, 10, len(todo))) % 10
        cand = out[todo] + (new - digit) * pos
        ok = (cand >= 1_000_000_000) & ~nhs_valid(cand)
        out[todo[ok]] = cand[ok]
        todo = todo[~ok]
    return out


def upn(gid: np.ndarray, year: np.ndarray) -> pa.Array:
    """DfE unique pupil numbers: check letter, LA, establishment, year of allocation, serial."""
    gid = np.asarray(gid, "int64")
    la = UPN_LA_BASE + gid // 10_000_000
    estab = (gid // 1000) % 10_000
    serial = gid % 1000
    body = ((la * 10_000 + estab) * 100 + np.asarray(year, "int64") % 100) * 1000 + serial
    weights = np.arange(2, 14, dtype="int64")
    letter = UPN_LETTERS[(_digits(body, 12) @ weights) % 23]
    return pc.binary_join_element_wise(pa.array(letter), _padded(body, 12), "")


def _padded(values: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(np.asarray(values, "int64")), pa.string()), width, "0")


def source_ids(prefix: pa.Array, number: np.ndarray, width: int = 8, sep: str = "-") -> pa.Array:
    """"GP03-00412345": per-row prefix, separator and zero-padded number."""
    return pc.binary_join_element_wise(prefix, _padded(number, width), sep)


def global_ids(prefix: str, number: np.ndarray, width: int = 8) -> pa.Array:
    """"P00412345" style ids with one fixed prefix."""
    return pc.binary_join_element_wise(pa.scalar(prefix), _padded(number, width), "")
