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

from jigsaw.feeds.postcode import normalise_postcode
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
