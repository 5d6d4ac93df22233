"""Synthetic DfE returns — a CIN census XML and an SSDA903 return — for a synthetic partnership.

Written from ``jigsaw synth`` output so the returns' children are the partnership's children:
the council's own id (``csc`` source) where the case system has the child, a new LA id where it
does not (the return then introduces the child), and the school's UPN, so the returns' records
link to the schools' records. The episodes of need and of care are drawn from the seed alone:
the same synth output and seed always give byte-identical files. Layout and codes follow the
DfE specifications cited in ``jigsaw.feeds.returns.codes``. Synthetic data only.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

COUNCIL_SOURCE = "csc"
#: the end of the collection year the returns describe (31 March)
REFERENCE_DATE = date(2026, 3, 31)
#: share of the return's children who were looked after in the year (903)
LOOKED_AFTER_SHARE = 0.25

_SOURCES = ("1A", "2A", "3A", "3B", "3E", "5D", "6", "8")
_NEEDS = ("N1", "N1", "N1", "N2", "N3", "N4", "N5", "N6", "N8")
_ABUSE = ("NEG", "NEG", "EMO", "PHY", "SAB")
_CLOSURE = ("RC7", "RC8", "RC9", "RC5")
_DISABILITY = ("NONE", "NONE", "NONE", "NONE", "MOB", "COMM", "LD", "AUT", "BEH")
_LEGAL = ("C1", "C2", "V2", "E1")
_PLACE = ("U4", "U6", "U1", "U3", "K2", "P1", "H5")
_LEAVE = ("E4A", "E41", "E45", "E11", "E13")
_SEX_903 = {"M": "1", "F": "2"}
_GENDER_CIN = {"M": "1", "F": "2", "U": "0", "": "0"}


@dataclass(frozen=True)
class ReturnsSummary:
    children: int
    cin_rows: int  # people and events rows the CIN census gives
    ssda903_rows: int  # header, episode and missing rows
    files: tuple[Path, ...]


@dataclass
class _Child:
    true_id: str
    la_id: str
    birth: str
    sex: str
    ethnicity: str
    upn: str


def _children(feeds: Path, limit: int | None) -> list[_Child]:
    """The partnership's children, with the council's id where it has one and a school's UPN."""
    truth: dict[tuple[str, str], str] = {}
    with (feeds / "truth" / "people.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            truth[(row["source_system"], row["source_id"])] = row["true_person_id"]
    found: dict[str, _Child] = {}
    for folder in sorted(p for p in feeds.iterdir() if (p / "people.csv").is_file()):
        with (folder / "people.csv").open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                if row.get("is_child") != "true" or not row.get("birth_date"):
                    continue
                true_id = truth.get((row["source_system"], row["source_id"]))
                if true_id is None:
                    continue
                child = found.setdefault(true_id, _Child(true_id, f"LA-{true_id}", row["birth_date"],
                                                         row.get("sex", ""), row.get("ethnicity", ""),
                                                         ""))
                # the birth date as the council holds it, else as the school giving the UPN does
                # (another agency's may be mistyped, and the return would then not link)
                if row["source_system"] == COUNCIL_SOURCE:
                    child.la_id = row["source_id"]
                    child.birth = row["birth_date"]
                if row.get("upn") and not child.upn:
                    child.upn = row["upn"]
                    if child.la_id == f"LA-{true_id}":  # not the council's: the school's date
                        child.birth = row["birth_date"]
                if row.get("ethnicity") and not child.ethnicity:
                    child.ethnicity = row["ethnicity"]
    # the council's own children, and children it has not sent but a school knows by UPN (the
    # return introduces them); a child known to neither could never be linked by the return
    children = [found[k] for k in sorted(found)
                if found[k].upn or not found[k].la_id.startswith("LA-")]
    return children[:limit] if limit else children


def _day(rng: random.Random, start: date, end: date) -> date:
    span = max((end - start).days, 0)
    return start + timedelta(days=rng.randint(0, span))


def _el(out: list[str], depth: int, name: str, value: object) -> None:
    out.append(f"{'  ' * depth}<{name}>{escape(str(value))}</{name}>")


def _cin_child(rng: random.Random, child: _Child, out: list[str]) -> int:
    """One ``Child`` element; returns the rows it gives (the child and its events)."""
    year_start = REFERENCE_DATE - timedelta(days=364)
    born = date.fromisoformat(child.birth)
    referral = _day(rng, max(year_start, born), REFERENCE_DATE - timedelta(days=60))
    out.append("    <Child>")
    out.append("      <ChildIdentifiers>")
    _el(out, 4, "LAchildID", child.la_id)
    if child.upn:
        _el(out, 4, "UPN", child.upn)
    _el(out, 4, "PersonBirthDate", child.birth)
    _el(out, 4, "GenderCurrent", _GENDER_CIN.get(child.sex, "0"))
    out.append("      </ChildIdentifiers>")
    out.append("      <ChildCharacteristics>")
    _el(out, 4, "Ethnicity", child.ethnicity or "NOBT")  # NOBT: information not yet obtained
    out.append("        <Disabilities>")
    _el(out, 5, "Disability", rng.choice(_DISABILITY))
    out.append("        </Disabilities>")
    out.append("      </ChildCharacteristics>")
    out.append("      <CINdetails>")
    rows = 2
    start = referral + timedelta(days=rng.randint(0, 3))
    plan = start + timedelta(days=rng.randint(36, 39))
    # a closed episode ends after its plans start, and its plans end with it: the closure date
    # must be on or after every plan's end date (DfE CIN census validation rule 8565, "activity
    # shown after a case has been closed"), and a plan given no end date would still show as
    # current; the CP plan starts on the day of the initial conference (rule 2885)
    closed = plan + timedelta(days=rng.randint(7, 30)) if rng.random() < 0.5 else None
    if closed and closed > REFERENCE_DATE:  # after the census year: still open at its end
        closed = None
    _el(out, 4, "CINreferralDate", referral.isoformat())
    _el(out, 4, "ReferralSource", rng.choice(_SOURCES))
    _el(out, 4, "PrimaryNeedCode", rng.choice(_NEEDS))
    if closed:
        _el(out, 4, "CINclosureDate", closed.isoformat())
        _el(out, 4, "ReasonForClosure", rng.choice(_CLOSURE))
        rows += 1
    _el(out, 4, "ReferralNFA", "0")
    out.append("        <Assessments>")
    _el(out, 5, "AssessmentActualStartDate", start.isoformat())
    _el(out, 5, "AssessmentAuthorisationDate", (start + timedelta(days=rng.randint(5, 35))).isoformat())
    out.append("        </Assessments>")
    rows += 2
    out.append("        <CINPlanDates>")
    _el(out, 5, "CINPlanStartDate", plan.isoformat())
    if closed:
        _el(out, 5, "CINPlanEndDate", closed.isoformat())
    out.append("        </CINPlanDates>")
    rows += 2 if closed else 1
    if rng.random() < 0.4:
        s47 = referral + timedelta(days=rng.randint(1, 5))
        icpc = s47 + timedelta(days=rng.randint(5, 15))
        out.append("        <Section47>")
        _el(out, 5, "S47ActualStartDate", s47.isoformat())
        _el(out, 5, "DateOfInitialCPC", icpc.isoformat())
        out.append("        </Section47>")
        out.append("        <ChildProtectionPlans>")
        _el(out, 5, "CPPstartDate", icpc.isoformat())
        if closed:
            _el(out, 5, "CPPendDate", closed.isoformat())
        _el(out, 5, "InitialCategoryOfAbuse", rng.choice(_ABUSE))
        _el(out, 5, "LatestCategoryOfAbuse", rng.choice(_ABUSE))
        out.append("        </ChildProtectionPlans>")
        rows += 4 if closed else 3
    out.append("      </CINdetails>")
    out.append("    </Child>")
    return rows


def _episodes(rng: random.Random, child: _Child, header: list, episodes: list,
              missing: list) -> int:
    """903 rows for one looked-after child; returns how many rows (events) they give."""
    fmt = "%d/%m/%Y"
    born = date.fromisoformat(child.birth)
    start = _day(rng, max(REFERENCE_DATE - timedelta(days=364), born), REFERENCE_DATE - timedelta(days=90))
    header.append([child.la_id, _SEX_903[child.sex], born.strftime(fmt),
                   child.ethnicity or "NOBT", child.upn or "UN1", "", ""])
    rows = 1
    legal = rng.choice(_LEGAL)
    count = rng.randint(1, 3)
    for n in range(count):
        last = n == count - 1
        end = start + timedelta(days=rng.randint(10, 30))
        leaves = last and rng.random() < 0.4
        reason_new = "S" if n == 0 else "P"
        episodes.append([child.la_id, start.strftime(fmt), reason_new, legal, "N1",
                         rng.choice(_PLACE), "PR1",
                         end.strftime(fmt) if (not last or leaves) else "",
                         ("X1" if not last else rng.choice(_LEAVE)) if (not last or leaves) else "",
                         "CARPL" if not last else "", "", "", ""])
        rows += 2 if leaves else 1
        start = end
    if rng.random() < 0.3:
        gone = _day(rng, start - timedelta(days=30), start)
        missing.append([child.la_id, born.strftime(fmt), rng.choice("MA"), gone.strftime(fmt),
                        (gone + timedelta(days=1)).strftime(fmt)])
        rows += 2
    return rows


def write_returns(feeds: Path, out_dir: Path, seed: int = 1, children: int | None = None
                  ) -> ReturnsSummary:
    """Write ``cin_census.xml`` and the 903 ``header``/``episodes``/``missing`` CSVs to ``out_dir``.

    ``feeds`` is a folder ``jigsaw synth`` wrote; ``children`` caps how many of its children
    the returns describe (all of them by default).
    """
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    kids = _children(Path(feeds), children)
    xml = ['<?xml version="1.0" encoding="utf-8"?>', "<Message>", "  <Header>",
           "    <CollectionDetails>", "      <Collection>CIN</Collection>",
           f"      <Year>{REFERENCE_DATE.year}</Year>",
           f"      <ReferenceDate>{REFERENCE_DATE.isoformat()}</ReferenceDate>",
           "    </CollectionDetails>", "  </Header>", "  <Children>"]
    header: list = []
    episodes: list = []
    missing: list = []
    cin_rows = ssda_rows = 0
    for child in kids:
        cin_rows += _cin_child(rng, child, xml)
        if child.sex in _SEX_903 and rng.random() < LOOKED_AFTER_SHARE:
            ssda_rows += _episodes(rng, child, header, episodes, missing)
    xml += ["  </Children>", "</Message>", ""]
    files = (out_dir / "cin_census.xml", out_dir / "header.csv", out_dir / "episodes.csv",
             out_dir / "missing.csv")
    files[0].write_text("\n".join(xml), encoding="utf-8")
    for path, columns, rows in (
        (files[1], ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"], header),
        (files[2], ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                    "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"], episodes),
        (files[3], ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"], missing),
    ):
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows(rows)
    return ReturnsSummary(len(kids), cin_rows, ssda_rows, files)
