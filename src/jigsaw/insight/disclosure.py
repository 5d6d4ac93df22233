"""Statistical disclosure control for the partnership figures: no cell may identify a child.

A count of one, two or three children in a small group can point at a family everyone in the
partnership knows, so counts from 1 up to ``JIGSAW_SUPPRESS_BELOW`` (default 5) are shown as
"fewer than 5". Zeros are shown: a zero describes nobody. This follows the common practice of
published children's social care statistics: the DfE's "Children in need" and "Children looked
after in England" releases replace small counts with a marker and suppress percentages derived
from them, following the DfE's confidentiality policy and the Government Statistical Service's
disclosure control guidance for tables produced from administrative sources (GSS/ONS). The
threshold is a setting because partnerships differ: a small one, or one that wants to match the
DfE's older "1 to 5 inclusive" convention, sets a higher value.

Suppression alone is not enough when a total is shown: the total minus the other cells gives
the hidden one back. So each line of a table (a row with its total, a column with its total) is
checked until none has exactly one hidden figure; where one has, the next-smallest non-zero
figure in it is withheld too (secondary suppression, the rule the same releases describe), or
the total when the rest are zeros. This is the usual line-by-line heuristic, not an optimal
solver: it guarantees no row or column has exactly one hidden figure.

Zeros shown beside a line's only non-zero figure, hidden, would say that figure *is* the line's
total, so there those zeros are withheld too. A column that counts a part of each row (the
overdue alerts, a part of the open and acknowledged ones) is protected with the table: a
figure beside a hidden figure of its row is withheld, and the column is then checked like any
other line (:func:`protect_part_column`).
Lines checked one at a time can still be beaten by reasoning across several at once: in
``[[1, 0, 0], [0, 0, 0], [0, 0, 30]]`` with its grand total 31 and the 30 shown, every line has
two hidden figures or more, yet since each "fewer than" figure is at least 1 the totals pin the
hidden 1. So each protected table is then audited as a reader would attack it
(:func:`_pinned`): a linear programme finds each hidden figure's least and most possible value
from everything shown; while any is pinned, the smallest shown non-zero figure is withheld too and
the lines are checked again. (The GSS guidance calls this checking for disclosure by
differencing; the linear programme is the standard audit, e.g. the tau-Argus "audit" step.)
A suppressed figure's true value never leaves this module, so a template cannot show it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings

SHOWN, SMALL, WITHHELD, NOT_APPLICABLE = "shown", "small", "withheld", "not applicable"


@dataclass(frozen=True)
class Figure:
    """What may be shown of one number: its value (``None`` when hidden) and its text."""

    value: int | float | None
    text: str
    state: str = SHOWN
    flag: str = ""  # e.g. "uneven" on a fairness rate worth a second look

    @property
    def suppressed(self) -> bool:
        return self.state in (SMALL, WITHHELD)


@dataclass(frozen=True)
class Table:
    """A protected table: its cells, each row's total, each column's total and the grand total."""

    cells: list[list[Figure]]
    row_totals: list[Figure]
    column_totals: list[Figure]
    total: Figure


def threshold() -> int:
    """Counts from 1 up to (not including) this are hidden; never less than 1 (nothing hidden)."""
    return max(int(getattr(settings, "JIGSAW_SUPPRESS_BELOW", 5)), 1)


def is_small(count: int, below: int) -> bool:
    return 0 < count < below


def small_text(below: int) -> str:
    return f"fewer than {below}"


def _figure(count: int, state: str, below: int) -> Figure:
    if state == SMALL:
        return Figure(None, small_text(below), SMALL)
    if state == WITHHELD:
        return Figure(None, "withheld", WITHHELD)
    return Figure(count, f"{count:,}")


def count(n: int, below: int | None = None) -> Figure:
    """A count shown on its own (no total beside it to subtract from)."""
    below = threshold() if below is None else below
    return _figure(n, SMALL if is_small(n, below) else SHOWN, below)


def _hidden(grid: list[list[int]], below: int, state: list[list[str]] | None = None) -> list[list[str]]:
    """The state of every figure of ``grid`` (margins included: last row and column are totals)."""
    rows, cols = len(grid), len(grid[0])
    if state is None:
        state = [[SMALL if is_small(v, below) else SHOWN for v in row] for row in grid]
    lines = [[(r, c) for c in range(cols)] for r in range(rows)]
    lines += [[(r, c) for r in range(rows)] for c in range(cols)]
    changed = True
    while changed:  # each pass hides at least one more figure or stops: it ends
        changed = False
        for line in lines:
            nonzero = [rc for rc in line[:-1] if grid[rc[0]][rc[1]]]
            if len(nonzero) == 1 and state[nonzero[0][0]][nonzero[0][1]] != SHOWN:
                zeros = [rc for rc in line[:-1] if not grid[rc[0]][rc[1]] and state[rc[0]][rc[1]] == SHOWN]
                for r, c in zeros:  # a zero beside the line's one hidden figure would reveal it
                    state[r][c] = WITHHELD
                changed = changed or bool(zeros)
            hidden = [rc for rc in line if state[rc[0]][rc[1]] != SHOWN]
            if len(hidden) != 1:
                continue
            # the smallest non-zero part; else the total; a zero only as a last resort, since a
            # reader may know a cell is zero and withholding it would then protect nothing
            parts = [rc for rc in line[:-1] if state[rc[0]][rc[1]] == SHOWN]
            nonzero = [rc for rc in parts if grid[rc[0]][rc[1]]]
            total = [line[-1]] if state[line[-1][0]][line[-1][1]] == SHOWN else []
            pool = nonzero or total or parts
            r, c = min(pool, key=lambda rc: (grid[rc[0]][rc[1]], rc))
            state[r][c] = WITHHELD
            changed = True
    return state


def _pinned(grid: list[list[int]], state: list[list[str]], below: int) -> bool:
    """True when some "fewer than" figure's value follows from what is shown (its range is under 1).

    Only the small figures are solved for (two linear programmes each): they are what must never be
    known; a withheld figure is a large one hidden to protect them.
    """
    from scipy.optimize import linprog  # imported here: only tables with hidden figures need it

    rows, cols = len(grid), len(grid[0])
    size = rows * cols
    bounds = [(grid[r][c], grid[r][c]) if state[r][c] == SHOWN else
              ((1, below - 1) if state[r][c] == SMALL else (0, None))
              for r in range(rows) for c in range(cols)]
    equations = []
    for r in range(rows):
        line = [0.0] * size
        line[r * cols: r * cols + cols - 1] = [1.0] * (cols - 1)
        line[r * cols + cols - 1] = -1.0
        equations.append(line)
    for c in range(cols):
        line = [0.0] * size
        for r in range(rows - 1):
            line[r * cols + c] = 1.0
        line[(rows - 1) * cols + c] = -1.0
        equations.append(line)
    zero = [0.0] * len(equations)
    for r in range(rows):
        for c in range(cols):
            if state[r][c] != SMALL:
                continue
            goal = [0.0] * size
            goal[r * cols + c] = 1.0
            low = linprog(goal, A_eq=equations, b_eq=zero, bounds=bounds, method="highs")
            high = linprog([-g for g in goal], A_eq=equations, b_eq=zero, bounds=bounds, method="highs")
            if low.status == 0 and high.status == 0 and -high.fun - low.fun < 1 - 1e-6:
                return True
    return False


@lru_cache(maxsize=4096)
def _audited_cached(grid: tuple[tuple[int, ...], ...], below: int) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(row) for row in _audited_uncached([list(row) for row in grid], below))


def _audited(grid: list[list[int]], below: int) -> list[list[str]]:
    """The states of :func:`_audited_uncached`, remembered: a page shows the same tables again."""
    return [list(row) for row in _audited_cached(tuple(tuple(row) for row in grid), below)]


def _audited_uncached(grid: list[list[int]], below: int) -> list[list[str]]:
    """:func:`_hidden`, then withhold more until no hidden figure can be worked out (:func:`_pinned`)."""
    state = _hidden(grid, below)
    while any(s == SMALL for row in state for s in row) and _pinned(grid, state, below):
        shown = [(r, c) for r, row in enumerate(state) for c, s in enumerate(row) if s == SHOWN]
        if not shown:
            break
        nonzero = [rc for rc in shown if grid[rc[0]][rc[1]]]
        r, c = min(nonzero or shown, key=lambda rc: (grid[rc[0]][rc[1]], rc))
        state[r][c] = WITHHELD
        state = _hidden(grid, below, state)
    return state


def protect_table(rows: Sequence[Sequence[int]], below: int | None = None) -> Table:
    """Primary and secondary suppression of a table shown with row, column and grand totals."""
    below = threshold() if below is None else below
    if not rows or not rows[0]:
        zero = _figure(0, SHOWN, below)
        return Table([[] for _ in rows], [zero for _ in rows], [], zero)
    grid = [[*row, sum(row)] for row in rows]
    grid.append([sum(column) for column in zip(*grid, strict=True)])
    state = _audited(grid, below)
    figures = [[_figure(v, s, below) for v, s in zip(row, states, strict=True)]
               for row, states in zip(grid, state, strict=True)]
    return Table(cells=[row[:-1] for row in figures[:-1]], row_totals=[row[-1] for row in figures[:-1]],
                 column_totals=figures[-1][:-1], total=figures[-1][-1])


def protect_part_column(counts: Sequence[int], beside_hidden: Sequence[bool],
                        below: int | None = None) -> tuple[list[Figure], Figure]:
    """A column of parts of each row (overdue of the open alerts) shown beside a protected table.

    A count beside a hidden figure of its row is withheld (with the row's other figures it could
    narrow the hidden one down), small counts are hidden, and the column with its total is then
    checked like every other line.
    """
    below = threshold() if below is None else below
    if not counts:
        return [], _figure(0, SHOWN, below)
    line = [*counts, sum(counts)]
    first = [WITHHELD if hide else (SMALL if is_small(n, below) else SHOWN)
             for n, hide in zip(counts, beside_hidden, strict=True)]
    first.append(SMALL if is_small(line[-1], below) else SHOWN)
    state = _hidden([line, line], below, [first, list(first)])[0]
    figures = [_figure(n, st, below) for n, st in zip(line, state, strict=True)]
    return figures[:-1], figures[-1]


def protect_line(counts: Sequence[int], below: int | None = None) -> tuple[list[Figure], Figure]:
    """One breakdown shown with its total: (its cells, the total)."""
    table = protect_table([list(counts)], below)
    return (table.cells[0] if table.cells else []), table.total


def rate(numerator: Figure, denominator: Figure, per: int = 1000, digits: int = 1) -> Figure:
    """``numerator`` per ``per`` of ``denominator``: hidden whenever either count is hidden.

    A rate and its denominator give the numerator back, so a rate is never safer than its count.
    """
    if numerator.suppressed or denominator.suppressed:
        return Figure(None, "withheld", WITHHELD)
    if not denominator.value or numerator.value is None:
        return Figure(None, "–", NOT_APPLICABLE)
    value = round(per * numerator.value / denominator.value, digits)
    return Figure(value, f"{value:,.{digits}f}")


def derived(value: float | None, text: str, based_on: Figure) -> Figure:
    """A statistic (a median, a ratio) of the items a count counts: hidden when that count is."""
    if based_on.suppressed:
        return Figure(None, "withheld", WITHHELD)
    if value is None:
        return Figure(None, "–", NOT_APPLICABLE)
    return Figure(value, text)
