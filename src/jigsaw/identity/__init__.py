"""Identity engine: plain-Python normalisation and matching of person records (no Django).

Other packages import these names (or the ``linkage`` module) from ``jigsaw.identity`` itself;
the modules behind them are loaded on first use, so Splink loads only when a run needs it.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from jigsaw.lazy import lazy_api

#: Each public name and the module that defines it (loaded on first use).
_WHERE = {
    "FastScorer": "fastscore",
    "RAW_COLUMNS": "record",
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
    "prepare_row": "record",
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
    "prepare_row",
    "probability",
    "rows_to_table",
    "term_frequencies",
    "waterfall",
    "weights",
    "weights_from_row",
]

if TYPE_CHECKING:
    from .address import address_tokens
    from .cluster import cluster, components
    from .contract import Thresholds
    from .explain import level_labels, probability, waterfall, weights_from_row
    from .fastscore import FastScorer, damerau_levenshtein
    from .model import generic_settings
    from .names import name_tokens, normalise_name
    from .prepare import prepare, prepare_one, rows_to_table
    from .record import RAW_COLUMNS, prepare_row
    from .report import missing_fields, pairwise, weights
    from .score import term_frequencies


__getattr__, __dir__ = lazy_api(__name__, _WHERE)


class _Identity(types.ModuleType):
    """The package, whose ``cluster`` and ``prepare`` are functions named like their modules.

    Loaded on first use like every name (``prepare`` needs PyArrow, ``cluster`` NumPy, which a
    search or Django's start-up does not), yet never replaced by their module: importing a
    submodule binds it on its package, and these names keep the function whoever imports first.
    """

    @property
    def cluster(self) -> Any:
        return importlib.import_module(".cluster", __name__).cluster

    @cluster.setter
    def cluster(self, _module: Any) -> None:
        """The import system binding the submodule: the name stays the function."""

    @property
    def prepare(self) -> Any:
        return importlib.import_module(".prepare", __name__).prepare

    @prepare.setter
    def prepare(self, _module: Any) -> None:
        """The import system binding the submodule: the name stays the function."""


sys.modules[__name__].__class__ = _Identity
