"""A large-ish generated return, with faults put in, imports to exactly the rows it always did.

The returns reader and the staging it feeds are tuned for speed (issue 15); this test holds
them to their results: every part's rows as read (line, raw text, values, problem, warnings),
and everything an import and a re-import store — person records, events, quarantine entries,
warnings and batch counts — on SQLite and PostgreSQL, through the parse worker. Both are
compared as SHA-256 digests recorded from the reader before it was tuned (the straightforward
tree-walking version), so any change to a stored row, a line number, a warning or a reason
fails here, not only a change in counts.

The input is the synthetic partnership and returns for a fixed seed, with faults injected at
fixed places (unknown codes, bad dates, a blank id, a child nobody sent, a repeated row); its
own digest is checked first, so a change to ``jigsaw synth`` is told apart from a change to
the reader. If synth's output changes on purpose, record all three digests again from a
commit whose reader is known good (each assertion shows the digest it found).

Recorded again once, on purpose: the rows of children the source system sent itself are now read
(and counted unchanged) rather than skipped. The digests were taken after checking that, with
those rows left out, the rows read give the earlier digest, and that of everything stored only
the people parts' read and unchanged counts differ. And once more for the stored rows: the
reason of the events row of a child nobody sent now names the return's own field (CHILD); it
is the only difference in what is stored. Then all three, when synth's returns changed on
purpose (a closed episode's plans end with it; a child's birth date is the council's or the
UPN's school's), from a commit whose reader and importer the full suite had just passed.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from jigsaw.feeds.returns import return_parts
from jigsaw.records.importer import import_paths, pipeline
from jigsaw.records.models import Event, ImportBatch, ImportWarning, PersonRecord, QuarantinedRow
from jigsaw.synth import write_partnership
from jigsaw.synth.returns import write_returns
from tests.conftest import BOTH

CHILDREN, SEED = 400, 3
INPUT_DIGEST = "154edee558b86227d809993289476a2a9ef8209ac4986e3897114ee608a1dc17"
READ_DIGEST = "e9d62363fc6e2210dd51a00f98ddc210c31eb34de88ca9b412d9de8a37621f35"
STORED_DIGEST = "8c37a82f4db31eecd3b3d1e54e6dbb4bcef17a4aea08be16144e9371ece5180c"


def _nth(text: str, pattern: str, n: int, replacement: str) -> str:
    """``text`` with the n-th (0-based) match of ``pattern`` replaced (the test's faults)."""
    matches = list(re.finditer(pattern, text))
    assert len(matches) > n, f"the generated return has fewer than {n + 1} {pattern!r}"
    m = matches[n]
    return text[:m.start()] + m.expand(replacement) + text[m.end():]


def make_returns(out: Path) -> tuple[Path, list[Path]]:
    """The partnership's feeds and its returns, with faults at fixed places."""
    write_partnership(out / "feeds", children=CHILDREN, seed=SEED)
    made = write_returns(out / "feeds", out / "returns", seed=SEED)
    files = {p.name: p for p in made.files}
    cin = files["cin_census.xml"]
    text = cin.read_text(encoding="utf-8")
    text = _nth(text, r"<ReferralSource>[^<]*<", 3, "<ReferralSource>7Z<")  # unknown code
    text = _nth(text, r"<PrimaryNeedCode>[^<]*<", 10, "<PrimaryNeedCode>n1<")  # lower case
    text = _nth(text, r"<CPPstartDate>[^<]*<", 1, "<CPPstartDate>2025-02-30<")  # not a date
    text = _nth(text, r"<AssessmentActualStartDate>[^<]*<", 5,
                "<AssessmentActualStartDate>31/01/2025<")
    text = _nth(text, r"<LAchildID>[^<]*<", 7, "<LAchildID><")  # a blank child id
    text = _nth(text, r"<GenderCurrent>[^<]*<", 12, "<GenderCurrent>7<")
    text = _nth(text, r"<PersonBirthDate>[^<]*<", 20, "<PersonBirthDate>2013-02-29<")
    text = _nth(text, r"<Disability>[^<]*<", 4, "<Disability>WINGS<")
    text = _nth(text, r"<ReasonForClosure>[^<]*<", 2, "<ReasonForClosure>RC99<")
    text = _nth(text, r"<ReferralNFA>0<", 6, "<ReferralNFA>1<")
    # what synth never writes: a second episode of need (on one line), assessment factors,
    # plan ends, and an initial conference given at two levels (one event)
    text = _nth(text, r"(?s)(<CINdetails>.*?</CINdetails>)", 8, (
        r"\1<CINdetails><CINreferralDate>2025-12-01</CINreferralDate><ReferralSource>1A"
        "</ReferralSource><PrimaryNeedCode>N2</PrimaryNeedCode><Assessments>"
        "<AssessmentActualStartDate>2025-12-02</AssessmentActualStartDate>"
        "<AssessmentAuthorisationDate>2025-12-20</AssessmentAuthorisationDate>"
        "<FactorsIdentifiedAtAssessment><AssessmentFactors>2A</AssessmentFactors>"
        "<AssessmentFactors>4B</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>"
        "<CINPlanDates><CINPlanStartDate>2025-12-21</CINPlanStartDate><CINPlanEndDate>"
        "2026-02-01</CINPlanEndDate></CINPlanDates></CINdetails>"))
    text = _nth(text, r"(<Section47>\s*<S47ActualStartDate>[^<]*</S47ActualStartDate>\s*"
                r"<DateOfInitialCPC>([^<]*)</DateOfInitialCPC>)", 2,
                r"<DateOfInitialCPC>\2</DateOfInitialCPC>\1")
    text = _nth(text, r"(<CPPstartDate>[^<]*</CPPstartDate>)", 4,
                r"\1<CPPendDate>2026-01-05</CPPendDate>")
    text = _nth(text, r"(<CINPlanStartDate>[^<]*</CINPlanStartDate>)", 11,
                r"\1\n<CINPlanEndDate>2026-01-06</CINPlanEndDate>")
    cin.write_text(text, encoding="utf-8")
    for name, faults in {
        "header.csv": [(r"\n(LA-[^,\n]*),\d,", 2, r"\n\1,3,"),  # SEX 3
                       (r",(\d\d/\d\d/\d{4}),", 5, r",31/02/2011,"),  # DOB not a date
                       (r",([A-Z]\d{12})(?=,)", 6, r",UN3")],  # a reason for no UPN
        "episodes.csv": [(r"\n([^,\n]*),(\d\d/\d\d/\d{4}),", 4, r"\n\1,2025-05-01,"),
                         (r",(S|P|L|T|U|B),([A-Z]\d),", 7, r",\1,Q9,"),  # unknown LS
                         (r"\n[^,\n]*,", 9, r"\nNOBODY-1,"),  # a child nobody sent
                         (r",X1,", 3, r",Z7,")],  # an unknown REC
        "missing.csv": [(r",(\d\d/\d\d/\d{4})\n", 2, r",99/99/2025\n"),  # MIS_END bad
                        (r",M,", 1, r",Q,")],
    }.items():
        path = files[name]
        text = path.read_text(encoding="utf-8")
        for pattern, n, replacement in faults:
            text = _nth(text, pattern, n, replacement)
        lines = text.splitlines(keepends=True)
        path.write_text("".join(lines[:4] + lines[3:4] + lines[4:]), encoding="utf-8")  # a repeat
    return out / "feeds", list(made.files)


def digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, default=str, sort_keys=True).encode()).hexdigest()


def read_rows(files: list[Path], known: frozenset[str]) -> list:
    """Every part's rows as the importer sees them."""
    return [[part.what, part.kind.name,
             [[r.line, r.raw, r.values, r.problem, list(r.warnings)] for r in part.rows()]]
            for path in files for part in return_parts(path, "csc", known)]


def stored(alias: str) -> dict:
    """Everything the imports stored, in a form that does not depend on ids or clocks."""
    person_fields = ("source_system__code", "record_key", "row_hash", "given_name", "family_name",
                     "other_names", "birth_date", "sex", "nhs_number", "nhs_number_invalid",
                     "upn", "upn_invalid", "address", "postcode", "postcode_invalid", "phone",
                     "is_child", "ethnicity", "recorded_at", "disability")
    event_fields = ("source_system__code", "record_key", "row_hash", "person__record_key",
                    "event_id", "person_source_id", "event_type", "occurred_at",
                    "occurred_precision", "recorded_at", "practitioner", "practitioner_role",
                    "practitioner_contact", "summary", "kind", "significance", "details")
    batches = {b.pk: (Path(b.file_name).name, b.file_kind) for b in
               ImportBatch.objects.using(alias).all()}
    # a batch by its file, kind and place among that file's batches of that kind: not by its
    # place in the whole run, which parts of different returns may load in any order
    # (importer.returns.plan_returns)
    seen: dict[tuple[str, str], int] = {}
    order = {}
    for pk in sorted(batches):
        order[pk] = (*batches[pk], seen.setdefault(batches[pk], 0))
        seen[batches[pk]] += 1
    return {
        "people": sorted(PersonRecord.objects.using(alias).filter(source_system__code="csc")
                         .values_list(*person_fields)),
        "events": sorted(Event.objects.using(alias).filter(source_system__code="csc")
                         .values_list(*event_fields), key=lambda r: r[1]),
        "quarantine": sorted((order[q.batch_id], order[q.last_batch_id], batches[q.batch_id],
                              q.file_kind, q.line, q.record_key, q.raw, q.raw_hash, q.reason,
                              q.status, q.times_seen)
                             for q in QuarantinedRow.objects.using(alias).all()),
        "warnings": sorted((order[w.batch_id], batches[w.batch_id], w.line, w.record_key,
                            w.field, w.message)
                           for w in ImportWarning.objects.using(alias).all()),
        "batches": sorted((order[b.pk], b.status, b.rows_read, b.accepted, b.quarantined,
                           b.unchanged, b.warnings) for b in ImportBatch.objects.using(alias).all()),
    }


def _counts(report) -> list:
    return sorted((Path(f["file"]).name, f["part"], f["status"], f["rows_read"], f["accepted"],
                   f["quarantined"], f["unchanged"], f["warnings"], f["resolved"], f["reason"])
                  for f in report.as_dict()["files"])


def import_twice(feeds: Path, files: list[Path], alias: str) -> dict:
    import_paths([feeds], using=alias)
    first = import_paths(files, using=alias, source="csc")
    again = import_paths(files, using=alias, source="csc")
    return {"first": _counts(first), "again": _counts(again), **stored(alias)}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, list[Path]]:
    return make_returns(tmp_path_factory.mktemp("same_rows"))


def input_digest(files: list[Path]) -> str:
    return digest([hashlib.sha256(p.read_bytes()).hexdigest() for p in files])


def test_the_generated_input_is_the_one_the_digests_were_recorded_from(generated):
    _feeds, files = generated
    found = input_digest(files)
    assert found == INPUT_DIGEST, (
        f"the synthetic returns changed (jigsaw synth; digest {found}); record the digests "
        "again from a commit whose reader is known good")


def test_every_part_reads_the_same_rows(generated):
    _feeds, files = generated
    assert input_digest(files) == INPUT_DIGEST
    known = frozenset(f"CSC-{n:08d}" for n in range(0, 4000, 3))  # some children the source sent
    found = digest(read_rows(files, known))
    assert found == READ_DIGEST, f"the rows read changed (digest {found})"


@pytest.mark.django_db(databases=BOTH)
def test_import_and_reimport_store_the_same_rows(generated, db_alias, monkeypatch):
    feeds, files = generated
    assert input_digest(files) == INPUT_DIGEST
    monkeypatch.setattr(pipeline, "BACKGROUND_MIN_BYTES", 0)  # through the parse worker
    result = import_twice(feeds, files, db_alias)
    assert result["quarantine"] and result["warnings"]  # the faults are exercised
    found = digest(result)
    assert found == STORED_DIGEST, f"the rows stored changed (digest {found})"
