"""Identity engine: plain-Python normalisation and matching of person records (no Django).

Other packages import these names (or the ``linkage`` module) from ``jigsaw.identity`` itself;
the modules behind them are loaded on first use, so Splink loads only when a run needs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jigsaw.lazy import lazy_api

#: Each public name and the module that defines it (loaded on first use).
_WHERE = {
    "FastScorer": "fastscore",
    "RAW_COLUMNS": "prepare",
    "Thresholds": "contract",
    "address_tokens": "address",
    "cluster": "cluster",
    "components": "cluster",
    "damerau_levenshtein": "fastscore",
    "generic_settings": "model",
    "level_labels": "explain",
    "missing_fields": "report",
    "name_tokens": "names",
    "normalise_name": "names",
    "pairwise": "report",
    "prepare": "prepare",
    "prepare_one": "prepare",
    "probability": "explain",
    "rows_to_table": "prepare",
    "term_frequencies": "score",
    "waterfall": "explain",
    "weights": "report",
    "weights_from_row": "explain",
}

__all__ = [
    "RAW_COLUMNS",
    "FastScorer",
    "Thresholds",
    "address_tokens",
    "cluster",
    "components",
    "damerau_levenshtein",
    "generic_settings",
    "level_labels",
    "missing_fields",
    "name_tokens",
    "normalise_name",
    "pairwise",
    "prepare",
    "prepare_one",
    "probability",
    "rows_to_table",
    "term_frequencies",
    "waterfall",
    "weights",
    "weights_from_row",
]

# A function named like its module: bound now, so importing the module later cannot
# replace it with the module on the package.
from .cluster import cluster  # noqa: E402
from .prepare import prepare  # noqa: E402

if TYPE_CHECKING:
    from .address import address_tokens
    from .cluster import components
    from .contract import Thresholds
    from .explain import level_labels, probability, waterfall, weights_from_row
    from .fastscore import FastScorer, damerau_levenshtein
    from .model import generic_settings
    from .names import name_tokens, normalise_name
    from .prepare import RAW_COLUMNS, prepare_one, rows_to_table
    from .report import missing_fields, pairwise, weights
    from .score import term_frequencies


__getattr__, __dir__ = lazy_api(__name__, _WHERE)
