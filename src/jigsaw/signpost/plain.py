"""A search result's evidence in a practitioner's words: "same birth date; family name differs
by one letter", not "birth_date agrees exactly +12.4".

The score is the model's (``jigsaw.identity.explain.waterfall``); this module only says each
step in words, what agrees first and then what does not, leaving out the starting point and the
fields the searcher did not give. A level the model gains later and this table does not know is
still said, as "<field>: <level>", so nothing is hidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

#: (field, level label as :func:`jigsaw.identity.explain.level_labels` gives it) -> words.
PHRASES: dict[tuple[str, str], str] = {
    ("given_name", "agrees exactly"): "same given name",
    ("given_name", "same name, short or nick-name form"):
        "given name is a short form or nickname of the other",
    ("given_name", "one name contains the other"): "one given name contains the other",
    ("given_name", "one name starts the other (a short form)"): "given name is a shortened form of the other",
    ("given_name", "one character differs"): "given name differs by one letter",
    ("given_name", "two letters differ in a long name"): "given name differs by two letters",
    ("given_name", "given and family names swapped"): "given and family names the other way round",
    ("given_name", "names swapped, one mistyped"):
        "given and family names the other way round, one misspelt",
    ("given_name", "a given name is the other's family name"): "a given name recorded as the family name",
    ("given_name", "initial agrees"): "same initial",
    ("given_name", "given names differ"): "given name is different",
    ("family_name", "agrees exactly"): "same family name",
    ("family_name", "a surname in common"): "one family name in common",
    ("family_name", "one character differs"): "family name differs by one letter",
    ("family_name", "two letters differ in a long name"): "family name differs by two letters",
    ("family_name", "differs"): "family name is different",
    ("birth_date", "agrees exactly"): "same birth date",
    ("birth_date", "day and month swapped"): "birth date with day and month the other way round",
    ("birth_date", "one digit differs"): "birth date differs by one digit",
    ("birth_date", "same year"): "born the same year, on another day",
    ("birth_date", "birth dates differ"): "birth date is different",
    ("sex", "agrees exactly"): "same sex",
    ("sex", "different sex"): "sex is different",
    ("nhs_number", "agrees exactly"): "same NHS number",
    ("nhs_number", "different NHS numbers"): "NHS number is different",
    ("upn", "agrees exactly"): "same unique pupil number",
    ("upn", "differs"): "unique pupil number is different",
    ("postcode", "same postcode and locality"): "same postcode",
    ("postcode", "same postcode"): "same postcode",
    ("postcode", "postcode nearly the same, same locality"): "postcode differs by one character",
    ("postcode", "postcode nearly the same"): "postcode nearly the same",
    ("postcode", "same locality"): "same town or village",
    ("postcode", "differs"): "postcode is different",
}

#: Levels that say nothing: the field was not given or not recorded.
SILENT = frozenset({"not recorded on one side", "not compared"})


def phrase(step: Mapping[str, Any]) -> str:
    """One waterfall step (``Step.as_dict()``) in words."""
    known = PHRASES.get((step["field"], step["level"]))
    if known:
        return known
    return f"{str(step.get('label') or step['field']).lower()}: {step['level']}"


def plain_evidence(steps: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """``{"for": [...], "against": [...]}``: the steps in words, strongest first in each.

    "For" is every step that makes the match more likely (a name one letter out still does).
    """
    told = [s for s in steps if s["field"] != "prior" and s["level"] not in SILENT and s["weight"]]
    for_ = sorted((s for s in told if s["weight"] > 0), key=lambda s: -s["weight"])
    against = sorted((s for s in told if s["weight"] < 0), key=lambda s: s["weight"])
    return {"for": _unique(phrase(s) for s in for_), "against": _unique(phrase(s) for s in against)}


def summary(steps: Iterable[Mapping[str, Any]]) -> str:
    """The evidence as one sentence: "same birth date; family name differs by one letter"."""
    words = plain_evidence(steps)
    return "; ".join(words["for"] + words["against"])


def _unique(phrases: Iterable[str]) -> list[str]:
    out: list[str] = []
    for p in phrases:
        if p not in out:
            out.append(p)
    return out
