"""Dispatch for the DfE statutory returns: which files are returns, and in what order they load.

A return is loaded as records of the source system named by ``--source`` (the council's case
system that produced it), after every canonical feed of the same run, so a child the source has
sent itself — by now, or in this run — is known: its events attach to the source's own record
by id, and the return adds no nameless duplicate of it. Each return file is split into parts
(see ``jigsaw.feeds.returns``); all people parts load before any events part, and a CIN
census's episodes after the other events parts.
"""

from __future__ import annotations

from pathlib import Path

from django.db import connections

from jigsaw.feeds import FeedFileError, ReturnPart, kind_of, return_parts

from .tables import PERSON_TABLE


def split_returns(files: list[Path], source: str | None) -> tuple[list[Path], list[Path]]:
    """(canonical feed files, return files); without a source nothing is read as a return.

    With a source, a file not named as a canonical feed is taken as a return (and refused as
    one, naming the returns it can be, if it is none of them).
    """
    if not source:
        return files, []
    canonical, returns = [], []
    for path in files:
        (returns if kind_of(path) is None else canonical).append(path)
    return canonical, returns


def own_records(source: str, using: str) -> frozenset[str]:
    """Ids of the person records the source system sent itself (a return's carry no names)."""
    with connections[using].cursor() as cur:
        cur.execute(
            f"SELECT p.record_key FROM {PERSON_TABLE} p JOIN records_sourcesystem s "  # noqa: S608
            "ON s.id = p.source_system_id WHERE s.code = %s AND (COALESCE(p.given_name, '') <> '' "
            "OR COALESCE(p.family_name, '') <> '')",
            [source],
        )
        return frozenset(key for (key,) in cur.fetchall())


def unknown_source(source: str, using: str) -> str | None:
    """Why returns cannot load as ``source`` when no source system has that name, else None."""
    with connections[using].cursor() as cur:
        cur.execute("SELECT code FROM records_sourcesystem ORDER BY code")
        codes = [code for (code,) in cur.fetchall()]
    if source in codes:
        return None
    named = ", ".join(codes) if codes else "none yet"
    return (f"no source system is called {source!r} (there are: {named}); check --source, or "
            "add --new-source to load the returns as a new source system (nothing loaded)")


def plan_returns(files: list[Path], source: str, using: str, new_source: bool = True
                 ) -> tuple[list[ReturnPart], list[tuple[Path, str]]]:
    """The parts to load, people first, and the files refused before reading any row
    (every one of them, when ``new_source`` is False and no source system is called
    ``source``)."""
    why = None if new_source else unknown_source(source, using)
    if why:
        return [], [(path, why) for path in files]
    known = own_records(source, using)
    people: list[ReturnPart] = []
    events: list[ReturnPart] = []
    refused: list[tuple[Path, str]] = []
    for path in files:
        try:
            parts = return_parts(path, source, known)
        except FeedFileError as exc:
            refused.append((path, str(exc)))
            continue
        for part in parts:
            (people if part.kind.name == "people" else events).append(part)
    # a census's episodes last among the events: the biggest part and the slowest to parse, so
    # the others load while it is still being parsed. The order changes nothing stored: no two
    # returns share an event key (cin:... and 903:...), and within each the file order is kept
    events.sort(key=lambda part: part.path.suffix.lower() == ".xml")  # stable; XML: a CIN census
    return people + events, refused
