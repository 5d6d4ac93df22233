"""The DfE children's social work workforce census (CSWW) XML, read into workforce aggregates.

Specification: DfE, *Children's social work workforce census: guide* and its XML schema, as
published with the collection (the 2022 schema is kept by Data to Insight's partners in
``SocialFinanceDigitalLabs/liia-tools``, ``liiatools/spec/social_work_workforce/
social_work_workforce_2022.xsd``). A ``Message`` holds an optional ``Header``
(``CollectionDetails/Collection`` = ``CSWW``, ``Year``, ``ReferenceDate`` = 30 September),
exactly one ``LALevelVacancies`` (``NumberOfVacancies`` FTE, ``NoAgencyFTE``,
``NoAgencyHeadcount``) and one ``CSWWWorker`` per worker: ``AgencyWorker`` (0/1), ``SWENo``
(Social Work England number, two letters and ten digits), ``FTE`` (0 to 1), ``OrgRole`` (1 senior
manager ... 5 case holder, 6 qualified without cases), ``RoleStartDate``, ``RoleEndDate``,
``ReasonLeave``, ``FTE30``, ``Cases30`` (cases held on 30 September), ``WorkingDaysLost``
(sickness absence in the year) and ``Absat30Sept``/``ReasonAbsence``.

Only what the workforce figures need is kept, and no worker's identity: the SWE number is read to
check the file and count distinct workers, then dropped. A malformed file raises
:class:`CSWWError` with one line saying where; nothing is returned half-read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree as ET

__all__ = ["CSWWError", "CaseHolder", "WorkforceReturn", "read"]

SWE = re.compile(r"[A-Za-z]{2}\d{10}")
ROLES = {
    "1": "Senior manager",
    "2": "Middle manager",
    "3": "First line manager",
    "4": "Senior practitioner",
    "5": "Case holder",
    "6": "Qualified without cases",
}


class CSWWError(ValueError):
    """The file is not a CSWW return this reader can trust."""


@dataclass(frozen=True)
class CaseHolder:
    cases: int
    fte: float


@dataclass(frozen=True)
class WorkforceReturn:
    """One return's aggregates (no worker is identifiable from them)."""

    year: int | None
    reference_date: dt.date | None
    vacancies_fte: float
    agency_fte: float
    agency_headcount: int
    workers: int  # distinct SWE numbers, employed on the reference date
    fte: float
    starters: int
    leavers: int
    working_days_lost: float
    absent_on_reference_date: int
    caseloads: tuple[CaseHolder, ...]
    by_role: tuple[tuple[str, int], ...]


def _text(node: ET._Element, tag: str) -> str:
    found = node.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _number(node: ET._Element, tag: str, where: str, required: bool = False) -> float | None:
    raw = _text(node, tag)
    if not raw:
        if required:
            raise CSWWError(f"{where}: {tag} is missing")
        return None
    try:
        value = float(raw)
    except ValueError:
        raise CSWWError(f"{where}: {tag} is not a number") from None
    if value < 0:
        raise CSWWError(f"{where}: {tag} is negative")
    return value


def _date(node: ET._Element, tag: str, where: str) -> dt.date | None:
    raw = _text(node, tag)
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise CSWWError(f"{where}: {tag} is not a date (YYYY-MM-DD)") from None


def _strip_namespaces(root: ET._Element) -> None:
    for node in root.iter():
        if isinstance(node.tag, str) and "}" in node.tag:
            node.tag = node.tag.split("}", 1)[1]


def read(path: Path) -> WorkforceReturn:
    """The return's aggregates, or :class:`CSWWError` naming the first problem."""
    name = path.name
    try:
        root = ET.parse(str(path), ET.XMLParser(resolve_entities=False, no_network=True)).getroot()
    except FileNotFoundError:
        raise CSWWError(f"{name}: no such file") from None
    except ET.XMLSyntaxError as exc:
        raise CSWWError(f"{name}: not well-formed XML (line {exc.lineno})") from None
    _strip_namespaces(root)
    if root.tag != "Message":
        raise CSWWError(f"{name}: not a CSWW return (the root element is not Message)")
    collection = _text(root, "Header/CollectionDetails/Collection")
    if collection and collection != "CSWW":
        raise CSWWError(f"{name}: a {collection} return, not CSWW")
    vacancies = root.find("LALevelVacancies")
    if vacancies is None:
        raise CSWWError(f"{name}: LALevelVacancies is missing")
    where = f"{name}: LALevelVacancies"
    vac = _number(vacancies, "NumberOfVacancies", where, True)
    agency_fte = _number(vacancies, "NoAgencyFTE", where, True)
    agency_head = _number(vacancies, "NoAgencyHeadcount", where, True)
    year_text = _text(root, "Header/CollectionDetails/Year")
    reference = _date(root, "Header/CollectionDetails/ReferenceDate", f"{name}: Header")
    workers = root.findall("CSWWWorker")
    if not workers:
        raise CSWWError(f"{name}: no CSWWWorker")
    seen: set[str] = set()
    fte_total = days_lost = 0.0
    starters = leavers = absent = 0
    cases: list[CaseHolder] = []
    roles: dict[str, int] = {}
    for i, worker in enumerate(workers, start=1):
        where = f"{name}: worker {i}"
        swe = _text(worker, "SWENo")
        if not SWE.fullmatch(swe):
            raise CSWWError(f"{where}: SWENo is not two letters and ten digits")
        if _text(worker, "AgencyWorker") not in ("0", "1"):
            raise CSWWError(f"{where}: AgencyWorker must be 0 or 1")
        fte = _number(worker, "FTE", where)
        if fte is not None and fte > 1:
            raise CSWWError(f"{where}: FTE must be from 0 to 1")
        role = _text(worker, "OrgRole")
        if role and role not in ROLES:
            raise CSWWError(f"{where}: OrgRole {role!r} is not a CSWW role code (1 to 6)")
        start, end = _date(worker, "RoleStartDate", where), _date(worker, "RoleEndDate", where)
        if start and end and end < start:
            raise CSWWError(f"{where}: RoleEndDate is before RoleStartDate")
        days_lost += _number(worker, "WorkingDaysLost", where) or 0.0
        if reference and start and reference - dt.timedelta(days=365) < start <= reference:
            starters += 1
        if end is not None:
            leavers += 1
            continue  # left: not in post on the reference date
        if swe.upper() in seen:
            continue
        seen.add(swe.upper())
        fte_total += fte or 0.0
        roles[ROLES.get(role, "Not recorded")] = roles.get(ROLES.get(role, "Not recorded"), 0) + 1
        if _text(worker, "Absat30Sept") == "1":
            absent += 1
        held = _number(worker, "Cases30", where)
        if held is not None and role == "5":
            cases.append(CaseHolder(int(held), _number(worker, "FTE30", where) or fte or 0.0))
    return WorkforceReturn(
        year=int(year_text) if year_text.isdigit() else None,
        reference_date=reference,
        vacancies_fte=vac or 0.0,
        agency_fte=agency_fte or 0.0,
        agency_headcount=int(agency_head or 0),
        workers=len(seen),
        fte=round(fte_total, 2),
        starters=starters,
        leavers=leavers,
        working_days_lost=round(days_lost, 2),
        absent_on_reference_date=absent,
        caseloads=tuple(cases),
        by_role=tuple(sorted(roles.items())),
    )
