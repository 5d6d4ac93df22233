"""What the audit pages need to know about people, provided by the signposting index.

The access log sits below the signposting index in the layers (every app writes to the log), so
it cannot ask the index itself. The index hands it two questions when it starts
(``jigsaw.signpost.apps``): which people a name belongs to (an auditor may look a child up by
name), and which agencies hold or are involved with each person (access outside one's agency's
involvement is unusual). Without the index both answer "nothing known".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

PeopleNamed = Callable[[str, str, str], list[int]]
AgenciesInvolved = Callable[[Iterable[int], str], dict[int, set[int]]]

_provided: dict[str, Callable] = {}


def provide(*, people_named: PeopleNamed, agencies_involved: AgenciesInvolved) -> None:
    _provided["people_named"] = people_named
    _provided["agencies_involved"] = agencies_involved


def people_named(given: str, family: str, using: str) -> list[int]:
    """Ids of the people recorded with exactly this given and family name (normalised)."""
    ask = _provided.get("people_named")
    return ask(given, family, using) if ask else []


def agencies_involved(person_ids: Iterable[int], using: str) -> dict[int, set[int]]:
    """Per person, the ids of the agencies holding a record of them or named in an involvement."""
    ask = _provided.get("agencies_involved")
    return ask(person_ids, using) if ask else {}
