"""A person's place in their household, as every synth stage numbers it."""

from __future__ import annotations

import numpy as np

CHILD, MOTHER, FATHER, STEP, PARTNER, RELATIVE = range(6)
#: sort key within a household: carers first, then children, then a partner, then a relative
ROLE_ORDER = np.array([1, 0, 0, 0, 2, 3])
