"""The children in need census (CIN) XML, read as people and events rows of one source system.

Layout (DfE *Children in need census 2024 to 2025: technical specification*): a ``Message``
whose ``Header/CollectionDetails/Collection`` is ``CIN``, then ``Children/Child`` elements, each
with ``ChildIdentifiers`` (LAchildID, UPN, PersonBirthDate, GenderCurrent),
``ChildCharacteristics`` (Ethnicity, Disabilities) and one ``CINdetails`` per episode of need
(referral, assessments, CIN plans, section 47 enquiries, child protection plans, closure).

The file is parsed as a stream (lxml ``iterparse``; each child is dropped once read, so memory
stays flat) with entities left unexpanded, no DTD or network access, and any document that
declares a DTD refused: a CIN census never has one, and a hostile file ("billion laughs", an
external entity) then cannot exhaust memory or read local files. A file that is not well-formed
XML is refused whole with one line.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from lxml import etree

from ..readers import FeedFileError, SourceRow
from . import codes
from .build import (
    Lines,
    Notes,
    details_text,
    event_row,
    held_row,
    iso_date,
    person_row,
    phrase,
    problem_row,
    refuse,
    summary,
)

ROOT, COLLECTION = "Message", "CIN"
RETURN = "CIN census"
PLAIN = details_text({"return": RETURN})  # the details of a row without codes


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag if tag[0] != "{" else tag.rsplit("}", 1)[1]


_SAFE = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False,
         "remove_comments": True, "remove_pis": True}
#: how far into the file the header (root, DTD, collection) is looked for
HEAD_ELEMENTS = 200


#: how much of the file's start is read for the prolog (declaration, comments, a DOCTYPE)
PROLOG_BYTES = 1 << 20


def _declares_dtd(path: Path) -> bool:
    """Whether the prolog (what comes before the root element) holds a DOCTYPE.

    Read as text before any XML parser sees the file, so a DTD's entity definitions (the
    "billion laughs") are never parsed at all, and the refusal names the DTD rather than
    whatever limit of the parser the entities would reach first.
    """
    with path.open("rb") as f:
        head = f.read(PROLOG_BYTES)
    encoding = "utf-16" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    text, at = head.decode(encoding, errors="replace"), 0
    while True:
        at = len(text) - len(text[at:].lstrip())
        if text.startswith("<?", at) or text.startswith("<!--", at):
            close = "?>" if text[at + 1] == "?" else "-->"
            end = text.find(close, at)
            if end < 0:
                return False  # an unclosed declaration or comment: the parser says so
            at = end + len(close)
            continue
        return text.startswith("<!DOCTYPE", at)


def _check_head(path: Path) -> None:
    """Refuse a file that declares a DTD, or whose root or collection is not a CIN census."""
    if _declares_dtd(path):
        raise FeedFileError(f"{path.name} declares a DTD, which a CIN census never has; refused "
                            "unread (nothing loaded)")
    collection, root = None, None
    for seen, (_event, el) in enumerate(etree.iterparse(str(path), events=("start", "end"),
                                                        **_SAFE)):
        tree = el.getroottree()
        if root is None:
            if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
                raise FeedFileError(f"{path.name} declares a DTD, which a CIN census never "
                                    "has; refused unread (nothing loaded)")
            root = _local(tree.getroot().tag)
            if root != ROOT:
                raise FeedFileError(f"{path.name}: the XML root is <{root}>, not <{ROOT}>; "
                                    "not a CIN census (nothing loaded)")
        name = _local(el.tag)
        if name == "Collection" and _event == "end":
            collection = (el.text or "").strip().upper()
            break
        if name in ("Children", "Child") or seen > HEAD_ELEMENTS:
            break
    if root is None:
        raise FeedFileError(f"{path.name} has no XML elements; not a CIN census")
    if collection != COLLECTION:
        raise FeedFileError(f"{path.name}: the collection is {collection or 'not named'}, not "
                            f"{COLLECTION}; not a CIN census (nothing loaded)")


def _children(path: Path, also: tuple[str, ...] = ()) -> Iterator[etree._Element]:
    """Each ``Child`` element in turn (and, before its child, each element named in ``also``),
    after checking the file is a CIN census.

    Only those elements reach Python (``tag`` filter): libxml2 does the rest of the walk. A
    child is dropped once read, so memory stays flat.
    """
    try:
        _check_head(path)
        tags = ("{*}Child", *("{*}" + name for name in also))
        for _event, el in etree.iterparse(str(path), events=("end",), tag=tags, **_SAFE):
            yield el
            if _local(el.tag) != "Child":
                continue
            el.clear(keep_tail=False)
            parent = el.getparent()
            while el.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as exc:
        message = str(exc.msg or exc).splitlines()[0] if (exc.msg or str(exc)) else "syntax error"
        raise FeedFileError(f"{path.name} is not well-formed XML (line {exc.lineno}: {message}); "
                            "nothing from it was loaded") from None
    except OSError as exc:
        raise FeedFileError(f"{path.name} cannot be read ({exc.strerror or exc})") from None


def _text(el: etree._Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


def _all(el: etree._Element, name: str) -> list[etree._Element]:
    """Every descendant named ``name`` whatever its namespace."""
    return list(el.iter("{*}" + name))


def _index(el: etree._Element) -> dict[str, list[etree._Element]]:
    """Every element under ``el`` by local name, in document order: one walk, then lookups."""
    found: dict[str, list[etree._Element]] = {}
    for d in el.iter(etree.Element):
        tag = d.tag
        if tag[0] == "{":
            tag = tag.rsplit("}", 1)[1]
        if tag in found:
            found[tag].append(d)
        else:
            found[tag] = [d]
    return found


def _kids(el: etree._Element) -> dict[str, etree._Element]:
    """The direct children of ``el`` by local name (the first of each)."""
    found: dict[str, etree._Element] = {}
    for c in el.iterchildren(etree.Element):
        found.setdefault(_local(c.tag), c)
    return found


def _first(index: dict[str, list[etree._Element]], name: str) -> etree._Element | None:
    found = index.get(name)
    return found[0] if found else None


def _raw(el: etree._Element) -> str:
    name = _local(el.tag)
    return f"<{name}>{_text(el)}</{name}>"


def people_rows(path: Path, source: str, known: frozenset[str]) -> Iterator[SourceRow]:
    """One people row per child the source has not sent itself (names unknown); a child it has
    sent is a held row (read and counted, nothing loaded)."""
    lines = Lines()
    ids = ethnicity = None
    for el in _children(path, also=("ChildIdentifiers", "Ethnicity")):
        name = _local(el.tag)
        if name == "ChildIdentifiers":
            ids = el
        elif name == "Ethnicity":
            ethnicity = _text(el)
        else:
            yield _person(source, lines.take(el.sourceline), ids, ethnicity or "", known)
            ids = ethnicity = None


def _person(source: str, line: int, ids: etree._Element | None, ethnicity: str,
            known: frozenset[str]) -> SourceRow:
    kids = _kids(ids) if ids is not None else {}
    child_id = _text(kids.get("LAchildID"))
    raw = etree.tostring(ids, encoding="unicode", with_tail=False) if ids is not None else ""
    if not child_id:
        return problem_row(line, raw or "<Child>", "LAchildID is blank")
    if child_id in known:
        return held_row(line, raw)  # the source's own record: the events attach to it by id
    notes = Notes()
    born_text = _text(kids.get("PersonBirthDate"))
    born = iso_date(born_text)
    gender = _text(kids.get("GenderCurrent"))
    sex = codes.CIN_GENDER.get(gender, "")
    if gender and not sex:
        notes.items.append(("GenderCurrent", "GenderCurrent is not a CIN census gender code; "
                                             "recorded as unknown"))
    made = person_row(source, line, raw, child_id, born or born_text, sex,
                      _text(kids.get("UPN")), ethnicity, notes)
    if born_text and born is None:
        return refuse(made, "PersonBirthDate is not a date (YYYY-MM-DD)")
    return made


def event_rows(path: Path, source: str) -> Iterator[SourceRow]:
    """The dated facts of every child's episodes of need, as events of the vocabulary."""
    lines = Lines()
    for child in _children(path):
        idx = _index(child)
        child_id = _text(_first(idx, "LAchildID"))
        disabilities = [_text(d) for d in idx.get("Disability", ()) if _text(d)]
        episodes = idx.get("CINdetails", ())
        for episode in episodes:
            yield from _episode(source, child_id, episode if len(episodes) > 1 else idx,
                                disabilities, lines)


def _episode(source: str, child_id: str, ep: etree._Element | dict, disabilities: list[str],
             lines: Lines) -> Iterator[SourceRow]:
    """The rows of one ``CINdetails`` (or, for a child with one, of the child's index)."""
    idx = ep if isinstance(ep, dict) else _index(ep)
    referral_el = _first(idx, "CINreferralDate")
    referral = _text(referral_el)
    stem = f"cin:{child_id}:{referral or 'no-referral-date'}"
    seen: set[str] = set()

    def row(el, event_type: str, suffix: str, described: tuple[str, str, tuple]
            ) -> SourceRow | None:
        event_id = f"{stem}:{suffix}"
        if event_id in seen:
            return None  # the same date given twice (e.g. DateOfInitialCPC at two levels)
        seen.add(event_id)
        line = el.sourceline or 0  # made unique below, once the episode's rows are in order
        raw = _raw(el)
        if not child_id:
            return problem_row(line, raw, "LAchildID is blank")
        text, details, warnings = described
        date_text = _text(el)
        when = iso_date(date_text)
        made = event_row(source, line, raw, event_id, child_id, event_type, when or date_text,
                         text, details, warnings)
        if when is None:
            return refuse(made, f"{_local(el.tag)} is not a date (YYYY-MM-DD)")
        return made

    out: list[SourceRow | None] = []
    if referral_el is not None:
        out.append(row(referral_el, "referral", "referral", _referral(
            _text(_first(idx, "ReferralSource")), _text(_first(idx, "PrimaryNeedCode")),
            _text(_first(idx, "ReferralNFA")), tuple(disabilities))))
    for a in idx.get("Assessments", ()):
        kids = _kids(a)
        start = kids.get("AssessmentActualStartDate")
        if start is not None:
            out.append(row(start, "assessment_start", f"assessment:{_text(start)}",
                           _plain("Assessment started (CIN census)")))
            done = kids.get("AssessmentAuthorisationDate")
            if done is not None:
                factors = tuple(_text(f) for f in _all(a, "AssessmentFactors") if _text(f))
                out.append(row(done, "assessment_end", f"assessment:{_text(start)}:authorised",
                               _authorised(factors)))
    for plan in idx.get("CINPlanDates", ()):
        kids = _kids(plan)
        start, end = kids.get("CINPlanStartDate"), kids.get("CINPlanEndDate")
        if start is not None:
            out.append(row(start, "cin_plan_start", f"cinplan:{_text(start)}",
                           _plain("Child in need plan started (CIN census)")))
            if end is not None:
                out.append(row(end, "cin_plan_end", f"cinplan:{_text(start)}:end",
                               _plain("Child in need plan ended (CIN census)")))
    for s47 in idx.get("Section47", ()):
        start = _kids(s47).get("S47ActualStartDate")
        if start is not None:
            out.append(row(start, "section47_start", f"s47:{_text(start)}",
                           _plain("Section 47 enquiry started (CIN census)")))
    for icpc in idx.get("DateOfInitialCPC", ()):
        out.append(row(icpc, "cp_conference", f"icpc:{_text(icpc)}", _INITIAL_CPC))
    for plan in idx.get("ChildProtectionPlans", ()):
        kids = _kids(plan)
        start, end = kids.get("CPPstartDate"), kids.get("CPPendDate")
        if start is not None:
            out.append(row(start, "cp_plan_start", f"cpp:{_text(start)}", _abuse(
                "Child protection plan started (CIN census)", "category of abuse",
                "InitialCategoryOfAbuse", _text(kids.get("InitialCategoryOfAbuse")))))
            if end is not None:
                out.append(row(end, "cp_plan_end", f"cpp:{_text(start)}:end", _abuse(
                    "Child protection plan ended (CIN census)", "latest category of abuse",
                    "LatestCategoryOfAbuse", _text(kids.get("LatestCategoryOfAbuse")))))
    closure = _first(idx, "CINclosureDate")
    if closure is not None:
        out.append(row(closure, "case_closed", "closure",
                       _closure(_text(_first(idx, "ReasonForClosure")))))
    made = sorted((r for r in out if r is not None), key=lambda r: r.line)
    for r in made:
        r.line = lines.take(r.line)
    yield from made


# What a row says, by its codes: a census repeats a few combinations thousands of times, so each
# description — (summary, details text, warnings) — is worked out once (memoised).
Described = tuple[str, str, tuple[tuple[str, str], ...]]


@lru_cache(maxsize=64)
def _plain(head: str) -> Described:
    return head, PLAIN, ()


_INITIAL_CPC: Described = ("Initial child protection conference (CIN census)",
                           details_text({"return": RETURN, "conference": "initial"}), ())


@lru_cache(maxsize=1 << 12)
def _referral(src: str, need: str, nfa: str, disabilities: tuple[str, ...]) -> Described:
    notes = Notes()
    src_words = notes.code(codes.REFERRAL_SOURCE, src, "ReferralSource", codes.SPEC_CIN)
    need_words = notes.code(codes.PRIMARY_NEED, need, "PrimaryNeedCode", codes.SPEC_CIN)
    for d in disabilities:
        notes.code(codes.DISABILITY, d, "Disability", codes.SPEC_CIN)
    dis_words = [codes.words(codes.DISABILITY, d) or f"{d} (unknown code)" for d in disabilities]
    text = summary("Referral (CIN census)", [
        phrase("source", src, src_words), phrase("primary need", need, need_words),
        "no further action" if nfa.lower() in ("1", "true") else None])
    return text, details_text({
        "return": RETURN, "referral_source": src, "referral_source_text": src_words,
        "primary_need": need, "primary_need_text": need_words, "referral_nfa": nfa,
        "disabilities": list(disabilities), "disabilities_text": dis_words}), tuple(notes.items)


@lru_cache(maxsize=1 << 12)
def _authorised(factors: tuple[str, ...]) -> Described:
    text = summary("Assessment authorised (CIN census)",
                   [f"factors: {', '.join(factors)}" if factors else None])
    return text, details_text({"return": RETURN, "assessment_factors": list(factors)}), ()


@lru_cache(maxsize=256)
def _abuse(head: str, label: str, field: str, code: str) -> Described:
    notes = Notes()
    words = notes.code(codes.ABUSE_CATEGORY, code, field, codes.SPEC_CIN)
    return (summary(head, [phrase(label, code, words)]),
            details_text({"return": RETURN, "category_of_abuse": code,
                          "category_of_abuse_text": words}), tuple(notes.items))


@lru_cache(maxsize=256)
def _closure(reason: str) -> Described:
    notes = Notes()
    words = notes.code(codes.CLOSURE_REASON, reason, "ReasonForClosure", codes.SPEC_CIN)
    return (summary("Case closed (CIN census)", [phrase("reason", reason, words)]),
            details_text({"return": RETURN, "closure_reason": reason,
                          "closure_reason_text": words}), tuple(notes.items))
