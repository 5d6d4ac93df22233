"""PostgreSQL connections prepare repeated queries (server-side binding), unless turned off."""

from __future__ import annotations

import pytest
from django.db import connections

from jigsaw.postgres import MAX_BOUND_PARAMETERS, PreparingCursor
from jigsaw.settings import postgres_options
from jigsaw.signpost.models import Person
from tests.conftest import BOTH


def test_prepared_statements_are_on_by_default_and_can_be_turned_off(monkeypatch):
    monkeypatch.delenv("JIGSAW_PG_PREPARED_STATEMENTS", raising=False)
    assert postgres_options() == {"server_side_binding": True, "prepare_threshold": 5,
                                  "cursor_factory": PreparingCursor}
    for off in ("off", "0", "false", "OFF"):
        monkeypatch.setenv("JIGSAW_PG_PREPARED_STATEMENTS", off)
        assert postgres_options() == {}


@pytest.mark.parametrize("db_alias", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
@pytest.mark.django_db(databases=BOTH)
def test_a_query_run_repeatedly_is_prepared_on_the_server(db_alias):
    for pk in range(1, 8):  # one statement, a different value each time
        assert Person.objects.using(db_alias).filter(pk=pk).first() is None
    with connections[db_alias].cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "signpost_person"' in sql and "$1" in sql for sql in prepared), prepared


@pytest.mark.parametrize("db_alias", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
@pytest.mark.django_db(databases=BOTH)
def test_a_statement_past_the_protocols_parameter_limit_still_runs(db_alias):
    many = range(1, MAX_BOUND_PARAMETERS + 100)
    assert Person.objects.using(db_alias).filter(pk__in=many).count() == 0
