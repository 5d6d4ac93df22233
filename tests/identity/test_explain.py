"""The waterfall: each field's level in words and its weight, adding up to the probability."""

from __future__ import annotations

import math

from jigsaw.identity.explain import level_labels, prior_weight, probability, waterfall
from jigsaw.identity.linkage import default_model


def test_every_comparison_has_words_for_every_level():
    labels = level_labels(default_model())
    assert set(labels) == {"given_name", "family_name", "birth_date", "sex", "nhs_number", "upn", "postcode",
                           "address"}
    assert labels["birth_date"][-1] == "not recorded on one side"
    assert "day and month swapped" in labels["birth_date"].values()
    assert labels["given_name"][max(labels["given_name"])] == "agrees exactly"
    assert "given names differ" in labels["given_name"].values()


def test_steps_add_up_to_the_probability():
    model = default_model()
    steps = waterfall(model, {"given_name": 7, "birth_date": 3}, {"given_name": 8.0, "birth_date": 7.9})
    assert steps[0].field == "prior" and steps[0].weight == prior_weight(model)
    total = sum(s.weight for s in steps)
    assert math.isclose(probability(steps), 1 / (1 + 2 ** -total))
    by_field = {s.field: s for s in steps}
    assert by_field["birth_date"].level == "day and month swapped"
    assert by_field["postcode"].level == "not recorded on one side"


def test_overwhelming_disagreement_is_zero_not_an_error():
    assert probability(waterfall(default_model(), {}, {"given_name": -5000.0})) == 0.0
