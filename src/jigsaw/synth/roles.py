"""A person's place in their household, as every synth stage numbers it, and the rows it gives."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CHILD, MOTHER, FATHER, STEP, PARTNER, RELATIVE = range(6)
#: sort key within a household: carers first, then children, then a partner, then a relative
ROLE_ORDER = np.array([1, 0, 0, 0, 2, 3])


@dataclass
class Layout:
    """People as rows, contiguous per household, and each household's members by role."""

    hh_p: np.ndarray
    role: np.ndarray
    hh_first: np.ndarray
    hh_size: np.ndarray
    hh_first_child: np.ndarray
    members: dict[int, np.ndarray]  # role -> person index per household, or -1
    child: np.ndarray
    child_no: np.ndarray  # 0 = oldest

    @property
    def p(self) -> int:
        return len(self.hh_p)

    def spread(self, role: int, per_household: np.ndarray, out: np.ndarray) -> None:
        """Set ``out`` for the people of ``role`` from their household's value."""
        sel = self.role == role
        out[sel] = per_household[self.hh_p[sel]]
