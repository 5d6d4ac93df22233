"""Normalising person names so that two agencies' spellings of one name compare equal.

The same functions serve batch linkage (applied once to each distinct value of a million-row
table, hence the caches) and a practitioner's single search, so a query and a stored record are
always normalised identically.

Choices, each made so that the commonest recording differences between agencies disappear:

* Case is folded (``str.casefold``) and accents dropped (Zoë -> zoe, Łukasz -> lukasz): many
  source systems cannot store diacritics, so only the unaccented form is comparable.
* Apostrophes are removed (O'Neil -> oneil, D'Souza -> dsouza) because systems variously keep,
  drop or space them; hyphens, dots and all other punctuation become spaces, so a hyphenated
  name yields separate tokens (Tyler-James -> "tyler james") that can be compared one by one.
* Digits are separators, not name content ("Baby 2" -> "baby").
* A title (Mr, Mrs, Dr, Master...) is dropped when it is a separate leading token followed by
  more name; a lone "Mr" is kept rather than turned silently into nothing.
* Letters of other scripts (Arabic, Chinese, Cyrillic, Devanagari...) are kept, casefolded and
  compatibility-decomposed (NFKD), but *not transliterated*: "Мария" never equals "Maria"
  here. Diacritic marks of the Latin-style combining block, and optional Arabic and Hebrew vowel
  points, are dropped; vowel signs that are letters of their script (Indic, Thai) are kept.
* Input is cut to :data:`MAX_INPUT` characters before any work, so a pasted document cannot
  make one call slow; output is NFKD text meant for comparison, not for display.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from functools import cache, lru_cache
from pathlib import Path

#: characters of input considered; longer text is truncated (no real name is this long)
MAX_INPUT = 200
_CACHE = 1 << 18
DATA = Path(__file__).with_name("data")

#: honorifics dropped when they lead a name; a surname such as "Lord" is kept (see surname_tokens)
TITLES = frozenset({
    "mr", "mrs", "ms", "miss", "mx", "mstr", "master", "dr", "doctor", "prof", "professor",
    "rev", "revd", "reverend", "sir", "dame", "lady", "lord",
})

#: letters NFKD does not decompose into a base letter plus a mark (applied after casefold)
_LETTERS = str.maketrans({
    "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ħ": "h", "ı": "i",
    "ŧ": "t", "ĸ": "k", "ŋ": "n", "ƒ": "f", "ǥ": "g", "ɨ": "i", "ƀ": "b", "ɍ": "r", "ɏ": "y",
})
#: apostrophe-like characters: removed so that O'Neil, O’Neil and ONeil agree
APOSTROPHES = frozenset("'`´‘’‛′ʹʻʼʽ＇")
_ASCII_APOSTROPHE = re.compile(r"['`]")
_ASCII_NON_LETTER = re.compile(r"[^a-z]+")


def _is_dropped_mark(ch: str) -> bool:
    """True for marks that decorate a letter rather than being one (accents, Arabic harakat)."""
    cp = ord(ch)
    return (
        0x0300 <= cp <= 0x036F  # combining diacritical marks (Latin, Greek, Cyrillic accents)
        or 0x1AB0 <= cp <= 0x1AFF or 0x1DC0 <= cp <= 0x1DFF or 0x20D0 <= cp <= 0x20FF
        or 0xFE20 <= cp <= 0xFE2F
        or 0x0591 <= cp <= 0x05C7  # Hebrew points
        or 0x0610 <= cp <= 0x061A or 0x064B <= cp <= 0x065F or cp == 0x0670
        or 0x06D6 <= cp <= 0x06ED  # Arabic vowel marks, written only optionally
    )


def fold(text: str) -> str:
    """``text`` casefolded, compatibility-decomposed and without accents; punctuation untouched.

    The shared first step of name and address normalisation. Casefold and NFKD are applied
    twice, as Unicode's compatibility caseless matching requires, so the result is stable.
    """
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text.casefold())
    text = unicodedata.normalize("NFKD", text.casefold()).translate(_LETTERS)
    return "".join(ch for ch in text if not (unicodedata.combining(ch) and _is_dropped_mark(ch)))


def _letters_only(folded: str) -> str:
    """Apostrophes and invisible format characters removed; any other non-letter a space."""
    if folded.isascii():
        return _ASCII_NON_LETTER.sub(" ", _ASCII_APOSTROPHE.sub("", folded))
    out = []
    for ch in folded:
        if ch in APOSTROPHES or ch == "\u0640":  # Arabic tatweel only stretches a word
            continue
        category = unicodedata.category(ch)
        if category[0] in "LM":
            out.append(ch)
        elif category != "Cf":  # zero-width joiners and soft hyphens sit inside words
            out.append(" ")
    return "".join(out)


@lru_cache(maxsize=_CACHE)
def _normalise(text: str, drop_titles: bool) -> str:
    tokens = _letters_only(fold(text)).split()
    if drop_titles:
        while len(tokens) > 1 and tokens[0] in TITLES:
            del tokens[0]
    return " ".join(tokens)[:MAX_INPUT].rstrip()


def normalise_name(text: str | None, *, drop_titles: bool = True) -> str:
    """The comparable form of a name: ``"Mr John O'Neil-SMITH"`` -> ``"john oneil smith"``.

    ``""`` for ``None``, non-text (such as a pandas NaN) or text with no letters. Pass
    ``drop_titles=False`` for a family name, where "Lord" or "Master" may be the name itself.
    The module docstring lists every rule and why.
    """
    if not isinstance(text, str) or not text:
        return ""
    return _normalise(text[:MAX_INPUT], drop_titles)


@lru_cache(maxsize=_CACHE)
def name_tokens(text: str | None) -> tuple[str, ...]:
    """The words of the normalised name: ``"Tyler-James"`` -> ``("tyler", "james")``."""
    return tuple(normalise_name(text).split())


@lru_cache(maxsize=_CACHE)
def surname_tokens(text: str | None) -> tuple[str, ...]:
    """Words of a family name, for double-barrelled or changed surnames (Smith-Jones vs Smith).

    Titles are *not* dropped (Lord, Master and Sir are English surnames) and particles such as
    "van", "de", "al" or "bin" are kept: whether they are written, joined ("Vanderberg") or
    dropped varies by family, so removing them would merge distinct families as often as it
    would join one; token overlap (:func:`surnames_compatible`) already tolerates them.
    """
    return tuple(normalise_name(text, drop_titles=False).split())


def surnames_compatible(a: str | None, b: str | None) -> bool:
    """True when the two family names share a word (Smith-Jones vs Smith); False if one is empty."""
    return not set(surname_tokens(a)).isdisjoint(surname_tokens(b))


def initial(text: str | None) -> str:
    """The first letter of the normalised name, or ``""`` (``"Émile"`` -> ``"e"``)."""
    return normalise_name(text)[:1]


@cache
def _groups_table() -> dict[str, frozenset[str]]:
    """Name -> keys of the nickname groups it belongs to, from ``data/nicknames.csv``.

    Each formal name is the key of one group holding itself and its short forms; a short form
    listed under several formal names (Alex: Alexander, Alexandra) belongs to all of them. The
    relation is deliberately not made transitive: Alexander and Alexandra share Alex but are not
    the same name.
    """
    groups: defaultdict[str, set[str]] = defaultdict(set)
    with (DATA / "nicknames.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            formal, short = normalise_name(row["formal"]), normalise_name(row["short"])
            if formal and short:
                groups[formal].add(formal)
                groups[short].add(formal)
    return {name: frozenset(keys) for name, keys in groups.items()}


def _first(text: str | None) -> str:
    tokens = name_tokens(text)
    return tokens[0] if tokens else ""


@lru_cache(maxsize=_CACHE)
def given_name_groups(text: str | None) -> frozenset[str]:
    """Keys of every nickname group of the first given name (``"Alex"`` -> alexander, alexandra...).

    A name not in the table is its own single group; ``frozenset()`` if there is no name.
    """
    first = _first(text)
    if not first:
        return frozenset()
    return _groups_table().get(first, frozenset({first}))


@lru_cache(maxsize=_CACHE)
def canonical_given(text: str | None) -> str:
    """One deterministic group key for the first given name: the alphabetically smallest.

    Bill, Will and William give ``"william"``; Alex, Alexander and Sandy give ``"alexander"``
    while Alexandra gives ``"alexandra"``. A single key cannot express that Alex belongs to two
    groups, so it suits blocking and display; compare with :func:`given_names_compatible`.
    """
    return min(given_name_groups(text), default="")


def given_names_compatible(a: str | None, b: str | None) -> bool:
    """True when two given names could be the same person's; False if either is empty.

    Compatible means: equal first words, nickname-equivalent first words (a shared group), one
    first word the initial of the other ("J" and "James"), or one name's words containing the
    other's first word (Tyler-James and Tyler, James and Tyler-James).
    """
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return False
    fa, fb = ta[0], tb[0]
    if fa == fb or fa in tb or fb in ta:
        return True
    if (len(fa) == 1 and fb.startswith(fa)) or (len(fb) == 1 and fa.startswith(fb)):
        return True
    return not given_name_groups(fa).isdisjoint(given_name_groups(fb))
