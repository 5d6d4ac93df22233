"""The suppression rule on its own: small counts hidden, and nothing a total could give back."""

from __future__ import annotations

import random

from jigsaw.insight import disclosure
from jigsaw.insight.disclosure import SMALL, WITHHELD, protect_line, protect_table


def states(figures) -> list[str]:
    return [f.state for f in figures]


def test_counts_from_one_below_the_threshold_are_fewer_than_it_and_zero_is_shown():
    assert [disclosure.count(n, 5).text for n in (0, 1, 4, 5, 1234)] == [
        "0", "fewer than 5", "fewer than 5", "5", "1,234"]
    assert disclosure.count(3, 5).value is None  # the true value never leaves the module
    assert disclosure.count(7, 10).text == "fewer than 10"


def test_the_threshold_is_a_setting(settings):
    settings.JIGSAW_SUPPRESS_BELOW = 10
    assert disclosure.threshold() == 10 and disclosure.count(9).text == "fewer than 10"
    settings.JIGSAW_SUPPRESS_BELOW = 0  # nonsense: nothing hidden, never an error
    assert disclosure.threshold() == 1 and disclosure.count(1).text == "1"


def test_one_hidden_cell_in_a_line_takes_the_next_smallest_non_zero_cell_with_it():
    cells, total = protect_line([3, 0, 12, 10], 5)
    assert states(cells) == [SMALL, "shown", "shown", WITHHELD]  # 0 is not chosen: it may be known
    assert [c.text for c in cells] == ["fewer than 5", "0", "12", "withheld"]
    assert total.text == "25"
    assert all(c.value is None for c in cells if c.suppressed)


def test_two_hidden_cells_need_nothing_more():
    cells, total = protect_line([2, 3, 20], 5)
    assert states(cells) == [SMALL, SMALL, "shown"] and total.text == "25"


def test_a_small_total_is_hidden_and_a_lone_cell_goes_with_it():
    cells, total = protect_line([3, 0], 5)
    assert states(cells) == [SMALL, WITHHELD] and total.state == SMALL  # the zero would say 3 is the total
    cells, total = protect_line([4], 5)
    assert cells[0].state == SMALL and total.state == SMALL


def test_zeros_and_large_counts_are_left_alone():
    cells, total = protect_line([0, 0, 7], 5)
    assert [c.text for c in cells] == ["0", "0", "7"] and total.text == "7"


def test_when_the_rest_of_a_line_is_zeros_its_total_is_withheld_not_a_zero():
    cells, total = protect_line([3, 0, 0], 5)  # zeros beside the one hidden figure are withheld too
    assert states(cells) == [SMALL, WITHHELD, WITHHELD] and total.state == SMALL
    table = protect_table([[3, 10], [0, 0]], 5)
    assert states(table.cells[0]) == [SMALL, WITHHELD]
    assert all(f.suppressed for f in table.cells[1])  # the zeros under 3 and 10 would give them back
    assert states(table.column_totals) == [SMALL, WITHHELD] and table.total.text == "13"


def test_no_zero_is_shown_beside_a_lone_suppressed_figure():
    """Finding 10: [0, 2, 0] with its total showed the two zeros, so the hidden 2 was the total's."""
    for rows in ([[0, 2, 0]], [[0, 0], [4, 0]], [[1, 0, 0], [0, 0, 0], [0, 0, 30]]):
        table = protect_table(rows, 5)
        grid = [[*cells, total] for cells, total in zip(table.cells, table.row_totals, strict=True)]
        values = [[*row, sum(row)] for row in rows]
        columns = zip(zip(*grid, strict=True), zip(*values, strict=True), strict=True)
        for line_figures, line_values in [*zip(grid, values, strict=True), *columns]:
            parts, numbers = line_figures[:-1], line_values[:-1]
            nonzero = [f for f, n in zip(parts, numbers, strict=True) if n]
            if len(nonzero) == 1 and nonzero[0].suppressed:
                assert all(f.suppressed for f in parts), rows


def test_the_overdue_column_is_protected_with_its_table():
    """Finding 10: overdue was protected on its own, so it showed beside a hidden open count."""
    table = protect_table([[3, 0, 10, 10], [20, 10, 10, 10]], 5)
    pairs = zip(table.cells, table.row_totals, strict=True)
    hidden_rows = [any(f.suppressed for f in (*row, total)) for row, total in pairs]
    cells, total = disclosure.protect_part_column([3, 12], hidden_rows, 5)
    assert cells[0].suppressed  # beside the hidden open count
    assert sum(f.suppressed for f in (*cells, total)) != 1  # and its column can't give it back
    alone, alone_total = disclosure.protect_part_column([0, 12], [True, False], 5)
    assert alone[0].suppressed and (alone[1].suppressed or alone_total.suppressed)


def test_a_table_is_checked_across_rows_and_columns_until_no_line_has_one_hidden_figure():
    table = protect_table([[3, 10], [20, 30]], 5)
    assert [states(row) for row in table.cells] == [[SMALL, WITHHELD], [WITHHELD, WITHHELD]]
    assert [f.text for f in table.row_totals] == ["13", "50"]
    assert [f.text for f in table.column_totals] == ["23", "40"] and table.total.text == "63"


def _lines_are_safe(rows: list[list[int]], below: int) -> None:
    table = protect_table(rows, below)
    grid = [[*cells, total] for cells, total in zip(table.cells, table.row_totals, strict=True)]
    grid.append([*table.column_totals, table.total])
    values = [[*row, sum(row)] for row in rows]
    values.append([sum(col) for col in zip(*values, strict=True)])
    for r, row in enumerate(grid):
        for c, f in enumerate(row):
            assert f.suppressed == (f.value is None) or f.state == disclosure.NOT_APPLICABLE
            if 0 < values[r][c] < below:
                assert f.suppressed, (rows, r, c)  # every small count hidden
            if not f.suppressed:
                assert f.value == values[r][c]
    for line in [*grid, *zip(*grid, strict=True)]:
        assert sum(f.suppressed for f in line) != 1, rows  # a total can never give one back


def test_random_tables_never_leave_a_line_with_exactly_one_hidden_figure():
    rng = random.Random(7)
    for _ in range(500):
        rows = [[rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 15, 40]) for _ in range(rng.randint(1, 5))]]
        rows += [[rng.choice([0, 1, 3, 7, 20]) for _ in rows[0]] for _ in range(rng.randint(0, 4))]
        _lines_are_safe(rows, rng.choice([2, 5, 10]))


def test_a_rate_is_withheld_when_either_of_its_counts_is():
    shown, small = disclosure.count(12, 5), disclosure.count(3, 5)
    population = disclosure.count(4000, 5)
    assert disclosure.rate(shown, population).text == "3.0"
    assert disclosure.rate(small, population).text == "withheld"
    assert disclosure.rate(shown, disclosure.count(2, 5)).text == "withheld"
    assert disclosure.rate(disclosure.count(0, 5), disclosure.count(0, 5)).text == "–"
    cells, _total = protect_line([3, 10, 40], 5)
    assert disclosure.rate(cells[1], population).text == "withheld"  # secondary suppression counts too


def test_a_median_of_a_hidden_count_is_withheld():
    assert disclosure.derived(3600.0, "1.0 hours", disclosure.count(3, 5)).text == "withheld"
    assert disclosure.derived(3600.0, "1.0 hours", disclosure.count(30, 5)).text == "1.0 hours"
    assert disclosure.derived(None, "–", disclosure.count(0, 5)).text == "–"


def _feasible_range(rows: list[list[int]], below: int, cell: tuple[int, int]) -> tuple[float, float]:
    """What a reader who sees the protected table can say of one hidden cell: its least and most.

    Unknowns: every cell and margin. Constraints: shown figures are fixed, a "fewer than" figure
    lies in 1..below-1, a withheld one is >= 0, and every row and column adds up to its total.
    """
    from scipy.optimize import linprog

    table = protect_table(rows, below)
    figs = [[*cells, total] for cells, total in zip(table.cells, table.row_totals, strict=True)]
    figs.append([*table.column_totals, table.total])
    n_r, n_c = len(figs), len(figs[0])
    index = {(r, c): r * n_c + c for r in range(n_r) for c in range(n_c)}
    bounds = []
    for r in range(n_r):
        for c in range(n_c):
            f = figs[r][c]
            bounds.append((f.value, f.value) if not f.suppressed else
                          ((1, below - 1) if f.state == SMALL else (0, None)))
    a_eq, b_eq = [], []
    for r in range(n_r):
        line = [0.0] * (n_r * n_c)
        for c in range(n_c - 1):
            line[index[r, c]] = 1
        line[index[r, n_c - 1]] = -1
        a_eq.append(line), b_eq.append(0)
    for c in range(n_c):
        line = [0.0] * (n_r * n_c)
        for r in range(n_r - 1):
            line[index[r, c]] = 1
        line[index[n_r - 1, c]] = -1
        a_eq.append(line), b_eq.append(0)
    goal = [0.0] * (n_r * n_c)
    goal[index[cell]] = 1
    low = linprog(goal, A_eq=a_eq, b_eq=b_eq, bounds=bounds)
    high = linprog([-g for g in goal], A_eq=a_eq, b_eq=b_eq, bounds=bounds)
    return low.fun, -high.fun if high.status == 0 else float("inf")


def test_no_hidden_cell_can_be_worked_out_from_the_rest_of_its_table():
    """The reported leak (a hidden count given back through shown zeros, or through a column not
    checked with the table) checked as an attacker would: solve for each hidden cell's range from
    everything shown. A hidden cell whose least and most possible values agree has leaked."""
    rng = random.Random(16)
    cases = [[[0, 2, 0]], [[0, 0], [4, 0]], [[1, 0, 0], [0, 0, 0], [0, 0, 30]], [[3, 0, 10, 10], [20, 10, 10, 10]]]  # noqa: E501
    for _ in range(60):
        width = rng.randint(1, 4)
        cases.append([[rng.choice([0, 0, 0, 1, 2, 4, 6, 12, 30]) for _ in range(width)]
                      for _ in range(rng.randint(1, 4))])
    for rows in cases:
        table = protect_table(rows, 5)
        for r, row in enumerate(table.cells):
            for c, f in enumerate(row):
                if f.state == SMALL:  # what must never be known exactly
                    low, high = _feasible_range(rows, 5, (r, c))
                    assert high - low >= 1 - 1e-9, (rows, r, c, low, high)
