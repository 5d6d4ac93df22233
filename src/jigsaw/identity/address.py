"""Free-text addresses as comparable tokens, and the house number within them.

Agencies type the same address differently ("12a St John's Rd, London SW1A 1AA" and
"12A SAINT JOHNS ROAD LONDON"), so addresses are compared as token sets after:

* case folding and accent stripping (shared with names: :func:`jigsaw.identity.names.fold`);
* removing apostrophes (John's -> johns) and turning all other punctuation into spaces;
* expanding common abbreviations (rd -> road, ave -> avenue, gdns -> gardens...), and writing
  "apt", "apartment" and "flat" all as ``flat``, since they name the same thing;
* dropping a postcode at the end: postcodes are compared in their own normalised field, and
  keeping them here would count the same evidence twice.

"St" is Street or Saint. It is read as ``saint`` when it starts a comma-separated part or
follows a number and is followed by another word ("St John's Road", "12 St Mary's Close",
"St Albans"), and as ``street`` otherwise ("High St", "High St London"). Without commas
"Church St Albans" is read as Church Street, Albans: the heuristic errs towards Street, the
commoner word in addresses.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from jigsaw.feeds import normalise_postcode
from jigsaw.identity.names import APOSTROPHES, fold

#: characters of address considered; longer text is truncated
MAX_INPUT = 500
_CACHE = 1 << 18

ABBREVIATIONS: dict[str, str] = {
    "rd": "road", "ave": "avenue", "av": "avenue", "avn": "avenue", "ln": "lane", "cl": "close",
    "clo": "close", "cres": "crescent", "cresc": "crescent", "cr": "crescent", "dr": "drive",
    "drv": "drive", "ct": "court", "crt": "court", "pl": "place", "sq": "square", "gdns": "gardens",
    "gdn": "gardens", "gr": "grove", "gro": "grove", "pk": "park", "ter": "terrace",
    "terr": "terrace", "tce": "terrace", "wy": "way", "hse": "house", "ho": "house",
    "cott": "cottage", "cotts": "cottages", "mws": "mews", "hts": "heights", "mt": "mount",
    "pde": "parade", "wk": "walk", "blvd": "boulevard", "hwy": "highway", "est": "estate",
    "bldg": "building", "bldgs": "buildings", "gt": "great", "lt": "little", "upr": "upper",
    "lwr": "lower", "nth": "north", "sth": "south", "apt": "flat", "apartment": "flat",
    "flt": "flat", "rm": "room",
}
#: Words that name a street ("Holly Place"): the one part after a bare house number is the
#: street when it holds one of these, else the locality ("12, High Street" / "48, Magill").
_THOROUGHFARES = frozenset({
    "street", "road", "avenue", "lane", "close", "crescent", "drive", "court", "place", "square",
    "gardens", "grove", "park", "terrace", "way", "mews", "parade", "walk", "boulevard", "highway",
    "hill", "rise", "row", "circuit", "esplanade", "green", "view", "vale", "wharf", "yard",
})
#: words after which a number is a flat, unit or room number rather than the house number
_SUBUNIT = frozenset({"flat", "unit", "room", "suite", "studio", "block", "floor"})
_NUMBER = re.compile(r"[0-9]+[a-z]?")
_INWARD = re.compile(r"[0-9][a-z]{2}")
_ASCII_APOSTROPHE = re.compile(r"['`]")
_ASCII_NON_WORD = re.compile(r"[^a-z0-9,;\n]+")
_PARTS = re.compile(r"[,;\n]")


def _words_only(folded: str) -> str:
    """Apostrophes removed; letters, digits and part separators kept; anything else a space."""
    if folded.isascii():
        return _ASCII_NON_WORD.sub(" ", _ASCII_APOSTROPHE.sub("", folded))
    out = []
    for ch in folded:
        if ch in APOSTROPHES:
            continue
        category = unicodedata.category(ch)
        if category[0] in "LM" or (ch.isdigit() and ch.isascii()) or ch in ",;\n":
            out.append(ch)
        elif category != "Cf":
            out.append(" ")
    return "".join(out)


def _strip_postcode(parts: list[list[str]]) -> None:
    """Remove a postcode (one token or outward + inward) from the end of the last part."""
    while parts and not parts[-1]:
        parts.pop()
    if not parts:
        return
    last = parts[-1]
    if len(last) >= 2 and _INWARD.fullmatch(last[-1]) and normalise_postcode(last[-2] + last[-1]):
        del last[-2:]
    elif normalise_postcode(last[-1]):
        del last[-1]


def _expand(tokens: list[str]) -> list[str]:
    out = []
    for i, word in enumerate(tokens):
        if word == "st":
            starts = i == 0 or _NUMBER.fullmatch(tokens[i - 1]) is not None
            followed = i + 1 < len(tokens) and not tokens[i + 1].isdigit()
            out.append("saint" if starts and followed else "street")
        else:
            out.append(ABBREVIATIONS.get(word, word))
    return out


@lru_cache(maxsize=_CACHE)
def address_tokens(text: str | None) -> tuple[str, ...]:
    """Comparable words of an address: ``"12a St John's Rd, SW1A 1AA"`` -> ``("12a", "saint",
    "johns", "road")``. ``()`` for ``None``, non-text or text with no letters or digits."""
    if not isinstance(text, str) or not text:
        return ()
    cleaned = _words_only(fold(text[:MAX_INPUT]))
    parts = [part.split() for part in _PARTS.split(cleaned)]
    _strip_postcode(parts)
    return tuple(token for part in parts for token in _expand(part))


@lru_cache(maxsize=_CACHE)
def house_number(text: str | None) -> str:
    """The building's number: the first number token (``"12a"``) not naming a flat or unit.

    ``"Flat 3, 12 High Street"`` -> ``"12"``: a flat number compared as a house number would
    make two flats of one building look like different streets. ``""`` when there is none.
    """
    tokens = address_tokens(text)
    for i, token in enumerate(tokens):
        if _NUMBER.fullmatch(token) and (i == 0 or tokens[i - 1] not in _SUBUNIT):
            return token
    return ""


@lru_cache(maxsize=_CACHE)
def flat_number(text: str | None) -> str:
    """The number or letter after "flat", "apartment", "unit" etc. (``"Flat 3b"`` -> ``"3b"``)."""
    tokens = address_tokens(text)
    for i, token in enumerate(tokens[:-1]):
        following = tokens[i + 1]
        if token in _SUBUNIT and (_NUMBER.fullmatch(following) or len(following) == 1):
            return following
    return ""


#: A foreign postal code: 3 to 10 characters of digits (and letters) holding at least 3 digits
#: ("4223", "75008", "1012ab"). A UK postcode is recognised first and exactly.
_FOREIGN_CODE = re.compile(r"(?=(?:[a-z]*[0-9]){3})[0-9a-z]{3,10}")
#: A trailing region abbreviation after a foreign code ("4223 nsw", "10001 ny") is not a locality.
_REGION = re.compile(r"[a-z]{2,3}")


def _trailing_postcode(parts: list[list[str]]) -> str | None:
    """Remove and return a postcode ending the address: UK (canonical) first, else a foreign code.

    Only the last comma-separated part is searched, and never the first part, so a house
    number is never taken for a postcode. A foreign code is kept as written (text).
    """
    while parts and not parts[-1]:
        parts.pop()
    if len(parts) < 2 and (not parts or len(parts[0]) < 3):
        return None
    last = parts[-1]
    if len(last) >= 2 and _INWARD.fullmatch(last[-1]):
        uk = normalise_postcode(last[-2] + last[-1])
        if uk:
            del last[-2:]
            return uk
    if last and (uk := normalise_postcode(last[-1])):
        del last[-1]
        return uk
    for i in range(len(last) - 1, max(len(last) - 3, -1), -1):
        if _FOREIGN_CODE.fullmatch(last[i]) and (len(parts) > 1 or i > 1):
            code = last[i]
            tail = last[i + 1:]
            if all(_REGION.fullmatch(t) for t in tail):
                del last[i:]
                return code
    return None


@lru_cache(maxsize=_CACHE)
def address_parts(text: str | None) -> tuple[str, str, str, str]:
    """``(house number, street, locality, postcode)`` read from a one-line address.

    ``"8 Stanley St, Miami, Winston Hills, 4223 NSW"`` -> ``("8", "stanley street",
    "winston hills", "4223")``; ``"68 Holly Place, Gillingthorpe NV1 2RL"`` -> ``("68",
    "holly place", "gillingthorpe", "NV1 2RL")``. The street is the words of the part holding
    the house number (the first part when there is none), the locality the last part left
    once the postcode and a region abbreviation are taken off. A UK postcode comes back in
    canonical form; a foreign code as written, so it still compares as text. Any part not
    found is ``""``. :func:`address_lines` also gives the address's other named line.
    """
    house, street, _place, locality, code = address_lines(text)
    return (house, street, locality, code)


@lru_cache(maxsize=_CACHE)
def address_lines(text: str | None) -> tuple[str, str, str, str, str]:
    """``(house number, street, place, locality, postcode)``: :func:`address_parts` and one more line.

    ``place`` is the first other named line: a building, estate or district ("Rose Court,
    12 High Street, Headington, Oxford" -> ``"rose court"``; FEBRL's second address line).
    Typists leave a line out or write two lines in the other order ("121 Ethnam Farm,
    Blackbutt Street"), so what one record reads as the street the other may hold as its
    place; the model compares them across (``ADDRESS_LEVELS``). ``""`` when there is none.
    """
    if not isinstance(text, str) or not text:
        return ("", "", "", "", "")
    cleaned = _words_only(fold(text[:MAX_INPUT]))
    parts = [_expand(part.split()) for part in _PARTS.split(cleaned)]
    code = _trailing_postcode(parts) or ""
    parts = [p for p in parts if p]
    number, street, street_at, used = "", "", 0, 0
    for i, part in enumerate(parts):
        for j, token in enumerate(part):
            if _NUMBER.fullmatch(token) and (j == 0 or part[j - 1] not in _SUBUNIT):
                number, used = token, i
                words = [w for w in part[j + 1:] if not _NUMBER.fullmatch(w)]
                if not words and i + 1 < len(parts):  # "12, High Street"
                    if i + 2 == len(parts) and not _THOROUGHFARES.intersection(parts[i + 1]):
                        street_at = i
                        break  # "48, Magill, 5072": no street, the one part left is the locality
                    words, i = parts[i + 1], i + 1
                street, street_at = " ".join(words), i
                break
        if number:
            break
    if not number and parts:
        street = " ".join(w for w in parts[0] if not _NUMBER.fullmatch(w))
    rest = parts[street_at + 1:]
    if rest and len(rest[-1]) == 1 and _REGION.fullmatch(rest[-1][0]) and len(rest) > 1:
        rest = rest[:-1]  # "..., Winston Hills, NSW"
    locality = " ".join(rest[-1]) if rest else ""
    others = [*parts[:used], *rest[:-1]] if number else rest[:-1]
    place = next((" ".join(p) for p in others if p[0] not in _SUBUNIT), "")
    return (number, street, place, locality, code)
