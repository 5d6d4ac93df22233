"""``jigsaw.records.sql.read``: the same rows for any length of id list, on both databases, and on
PostgreSQL one prepared statement for every length."""

from __future__ import annotations

import pytest
from django.db import connections

from jigsaw.records import sql
from jigsaw.signpost.models import Person
from tests.conftest import BOTH

QUERY = "SELECT id, shielded FROM signpost_person WHERE id IN ({ids}) AND shielded = %s ORDER BY id"


@pytest.mark.parametrize("db_alias", ["default", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
@pytest.mark.django_db(databases=BOTH)
def test_reads_the_rows_for_any_number_of_ids_with_later_parameters(db_alias):
    people = [Person.objects.using(db_alias).create(shielded=i % 2 == 0) for i in range(5)]
    ids = [p.pk for p in people]
    for n in range(1, 6):
        rows = sql.read(QUERY, ids[:n], db_alias, [True])
        assert [(pk, sql.as_bool(s)) for pk, s in rows] == [(p.pk, True) for p in people[:n] if p.shielded]
    twice = "SELECT id FROM signpost_person WHERE id IN ({ids}) OR id IN ({ids}) ORDER BY id"
    assert [r[0] for r in sql.read(twice, ids[:2], db_alias, times=2)] == ids[:2]


@pytest.mark.parametrize("db_alias", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
@pytest.mark.django_db(databases=BOTH)
def test_one_prepared_statement_serves_every_length_of_list(db_alias):
    for n in range(1, 13):  # twelve lengths: with a placeholder per id none would reach five runs
        sql.read(QUERY, list(range(1, n + 1)), db_alias, [False])
    with connections[db_alias].cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
                       ["%FROM signpost_person WHERE id%"])
        prepared = [row[0] for row in cursor.fetchall()]
    assert len(prepared) == 1 and "ANY($1)" in prepared[0], prepared
