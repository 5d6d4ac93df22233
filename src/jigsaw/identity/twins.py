"""Whether a population holds twins and siblings the model must keep apart: the twins prior.

Two records with the same family name, birth date and address but different given names are
either one person whose given name was recorded differently, or twins. Names, birth date and
address cannot tell these apart (Fellegi-Sunter's independence assumption fails inside a
household), so the answer has to come from what the data shows about its sources:

* A source system that holds one record per person (a GP list, a school roll, a case system)
  and has two such records is showing twins: within one source they are two people.
* A source that holds duplicates of one person shows them as pairs that also agree on the
  given name, far more often than pairs that differ in it.

So, over pairs of records *within one source* that share family name, birth date and
address: when those that differ in the given name outnumber those that agree, the population
has twins: the "given names differ" and "birth dates differ" levels get the fixed, strongly
negative weight :data:`~jigsaw.identity.model.HOUSEHOLD_DISAGREEMENT_BAYES_FACTOR` (EM never
sees the case: random pairs almost never share a household), and the household is counted
once, by postcode and locality, the street-address comparison being given no weight. Otherwise those levels
keep the weight EM learned, as on FEBRL, where a copy's given name is sometimes replaced
outright and no two people share a household.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from jigsaw.identity.model import HOUSEHOLD_DISAGREEMENT_BAYES_FACTOR

#: A household shows itself twice, in the postcode and in the street address. Where there are
#: twins it must count once, or the two together outweigh a different given name; this one is
#: then given no weight (a move shows in the postcode too, so neither does it count twice).
SECOND_HOUSEHOLD_COMPARISON = "address"

#: The levels the twins prior fixes, by comparison.
HOUSEHOLD_LEVELS = {"given_name": "given names differ", "birth_date": "birth dates differ"}


@dataclass(frozen=True)
class HouseholdPairs:
    """Within-source pairs sharing family name, birth date and address."""

    same_given: int
    other_given: int

    @property
    def twins(self) -> bool:
        return self.other_given > self.same_given


def _pairs(counts: pa.Array) -> int:
    c = counts.to_numpy().astype("int64")
    return int((c * (c - 1) // 2).sum())


def household_pairs(prepared: pa.Table) -> HouseholdPairs:
    """Count the within-source household pairs of ``prepared`` (the model's input table)."""
    home = pc.coalesce(prepared.column("postcode"),
                       pc.binary_join_element_wise(prepared.column("house_number"),
                                                   prepared.column("street"), " "))
    table = pa.table({"source": prepared.column("source_system"), "family": prepared.column("family_name"),
                      "birth": prepared.column("birth_date"), "home": home,
                      "given": pc.coalesce(prepared.column("given_group"), prepared.column("given_name"))})
    keys = ["source", "family", "birth", "home"]
    table = table.filter(pc.and_(pc.and_(pc.is_valid(table["family"]), pc.is_valid(table["birth"])),
                                 pc.and_(pc.is_valid(table["home"]), pc.is_valid(table["given"]))))
    if table.num_rows == 0:
        return HouseholdPairs(0, 0)
    total = _pairs(table.group_by(keys).aggregate([("given", "count")]).column("given_count"))
    same = _pairs(table.group_by([*keys, "given"]).aggregate([("source", "count")]).column("source_count"))
    return HouseholdPairs(same, total - same)


def apply_twins_prior(model: dict[str, Any], pairs: HouseholdPairs) -> str:
    """Fix the household levels of a trained ``model`` when ``pairs`` shows twins; say which."""
    if not pairs.twins:
        return (f"no twins seen ({pairs.other_given} within-source household pairs differ in given name, "
                f"{pairs.same_given} agree): given name and birth date disagreements keep their "
                "trained weight")
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        label = HOUSEHOLD_LEVELS.get(name)
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            if label and level.get("label_for_charts") == label:
                level.update(m_probability=HOUSEHOLD_DISAGREEMENT_BAYES_FACTOR, u_probability=1.0,
                             fix_m_probability=True, fix_u_probability=True)
            elif name == SECOND_HOUSEHOLD_COMPARISON:
                level.update(m_probability=1.0, u_probability=1.0,
                             fix_m_probability=True, fix_u_probability=True)
    return (f"twins seen ({pairs.other_given} within-source household pairs differ in given name, "
            f"{pairs.same_given} agree): given name and birth date disagreements weigh "
            f"{math.log2(HOUSEHOLD_DISAGREEMENT_BAYES_FACTOR):.0f} bits and the household counts once, "
            "by postcode (the street address weighs 0)")
