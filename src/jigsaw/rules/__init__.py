"""Alert rule engine: a small declarative rule language, the cited catalogue and its evaluator.

Plain Python (NumPy and Arrow, no Django): the alerts app calls ``load_catalogue`` and
``evaluate`` and stores the ``Finding``s; docs/rules.md documents the language.
"""

from jigsaw.rules.deadlines import Deadline, SchoolDays
from jigsaw.rules.evaluate import Evaluation, evaluate, evaluate_report
from jigsaw.rules.frame import Diagnostics
from jigsaw.rules.loader import CATALOGUE_DIR, load_catalogue
from jigsaw.rules.model import Catalogue, Condition, Finding, Match, Rule, RuleFileError, Source
from jigsaw.rules.population import Population

__all__ = ["CATALOGUE_DIR", "Catalogue", "Condition", "Deadline", "Diagnostics", "Evaluation", "Finding",
           "Match", "Population", "Rule", "RuleFileError", "SchoolDays", "Source", "evaluate",
           "evaluate_report", "load_catalogue"]
