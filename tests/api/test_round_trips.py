"""How many times one ``$person-info-query`` goes to the database: a ceiling, so round trips
cannot creep back (at 100,000 children each costs more than the work inside it)."""

from __future__ import annotations

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from tests.conftest import BOTH

from .support import answer_of, ask, parameters, patient

pytestmark = pytest.mark.django_db(databases=BOTH)

#: token, client, model row, candidates, records with their people, the gate's three (shielded,
#: their records, open review items), two for the signposts, the plan state, the agencies, then
#: the log's head and its one insert (PostgreSQL takes the chain's advisory lock first, a
#: statement of its own)
CEILING = {"sqlite": 14, "postgresql": 15}


def _statements(captured: list[dict]) -> list[str]:
    """The statements sent, without the savepoints the test's own transaction adds."""
    return [q["sql"] for q in captured if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def test_a_matching_query_stays_within_its_round_trips(token, loaded):
    ask(token, parameters(patient(given="Olivai")))  # the scorer loads once per process
    with CaptureQueriesContext(connections[loaded]) as ctx:
        status, model, _ = ask(token, parameters(patient(given="Olivai")))
    assert status == 200 and answer_of(model)[0] is True
    sent = _statements(ctx.captured_queries)
    assert len(sent) <= CEILING[connections[loaded].vendor], "\n".join(s[:120] for s in sent)
    # every blocking rule in one candidate lookup, and the two log entries in one insert
    assert sum('FROM "signpost_matchkey"' in s for s in sent) == 1
    assert sum(s.startswith('INSERT INTO "audit_accessentry"') for s in sent) == 1


def test_an_unknown_child_costs_no_more(token, loaded):
    with CaptureQueriesContext(connections[loaded]) as ctx:
        status, model, _ = ask(token, parameters(patient(given="Zebedee", family="Quixote",
                                                         born="2015-01-01")))
    assert status == 200 and answer_of(model) == (False, None)
    assert len(_statements(ctx.captured_queries)) <= CEILING[connections[loaded].vendor]
