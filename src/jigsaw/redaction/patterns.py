"""Identifiers found by their shape: NHS number, postcode, phone, e-mail, street address, and
schools, practices and nurseries named in the usual way.

Sources: NHS number — NHS Data Dictionary, modulus 11 (the feeds engine's check is reused);
postcode — ONS/BS 7666 format as in the feeds engine, with the finer position rules of the
published government pattern (outward first letter never Q, V, X; second never I, J, Z);
phone — UK numbering: 0 then 9 or 10 digits, or +44 (Ofcom's National Telephone Numbering Plan),
checked for a possible length with libphonenumber. Ofcom's drama ranges are deliberately
accepted: libphonenumber calls 07700 900xxx invalid, so a "valid numbers only" matcher misses
exactly the numbers used in test and training material.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

from jigsaw.feeds import is_valid_nhs_number

from .labels import ORG_KINDS, org_kind
from .spans import PATTERN, VALIDATED, Candidate

NHS = re.compile(r"(?<![\w-])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\w-])")
POSTCODE = re.compile(
    r"(?<![\w-])(?:[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-Z]?\s?[0-9][ABD-HJLNP-UW-Z]{2}|GIR\s?0AA)(?![\w-])")
PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+44\s?\(0\)\s?|\+44\s?|\(?0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4})(?![\w-])")
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?<!\.)")
_STREET_TYPES = ("Road|Rd|Street|St|Avenue|Ave|Lane|Close|Drive|Way|Crescent|Court|Place|Grove|"
                 "Terrace|Gardens|Gdns|Square|Walk|Rise|Hill|View|Mews|Row|Parade|Green|Fold|Croft|"
                 "Park|Mount|Vale|Wharf|Yard|Estate|House|Flats")
_NAME_WORD = r"(?:[A-Z][a-z']+|St\.?)"
STREET = re.compile(
    rf"(?<![\w-])(?:(?:Flat|Apartment|Unit)\s+\d+[A-Za-z]?,?\s+)?\d{{1,4}}[A-Za-z]?,?\s+"
    rf"(?:{_NAME_WORD}[ -]){{1,3}}(?:{_STREET_TYPES})\b")
_ORG_SUFFIX = "|".join(p.pattern.removeprefix(r"\b(?:").removesuffix(r")\b") for _k, p in ORG_KINDS)
NAMED_ORG = re.compile(
    rf"(?<![\w-])(?:(?:St\.?|Saint|The)\s+)?(?:[A-Z][\w'’]*(?:-[A-Z][\w'’]*)?\s+){{1,4}}"
    rf"(?:(?:Primary|Junior|Infant|Infants|High|Secondary|C of E|CE|RC|Catholic|Community|Church)\s+)*"
    rf"(?:{_ORG_SUFFIX})\b")
#: a name word: Morris, O'Neil, McDonald, Smith-Jones
_SURNAME = r"(?:[A-Z]['’])?[A-Z][a-z]+(?:[A-Z][a-z]+)?(?:-[A-Z][a-z]+)?"
TITLED = re.compile(
    r"(?<![\w-])(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Rev|Revd|PC|DC|DS|Sgt)\.?\s+"
    rf"(?P<name>{_SURNAME}(?:\s+{_SURNAME}){{0,2}})"
    r"(?![\w-])")
#: words that start a "named" organisation but are not a name ("the Health Centre" is generic)
GENERIC_HEADS = frozenset({"The", "A", "An", "His", "Her", "Their", "Local", "Primary", "High",
                            "Secondary", "Children's", "Childrens", "Community", "GP", "NHS", "General",
                            "District", "Junior", "Infant", "Nursery", "Health", "Medical", "Family",
                            "Special", "Village", "New", "Private"})


def nhs_numbers(text: str) -> Iterator[Candidate]:
    """Ten digits in 3-3-4 groups (or none) whose modulus 11 check digit holds."""
    for m in NHS.finditer(text):
        if is_valid_nhs_number(m.group()):
            yield Candidate(m.start(), m.end(), "nhs_number", VALIDATED, "NHS number (modulus 11)",
                            "nhs:" + re.sub(r"\D", "", m.group()))


def postcodes(text: str) -> Iterator[Candidate]:
    """UK postcodes in the published format."""
    for m in POSTCODE.finditer(text):
        yield Candidate(m.start(), m.end(), "postcode", VALIDATED, "UK postcode format", "postcode")


def phones(text: str) -> Iterator[Candidate]:
    """UK phone numbers of a possible length (libphonenumber, region GB)."""
    for m in PHONE.finditer(text):
        try:
            number = phonenumbers.parse(m.group(), "GB")
        except phonenumbers.NumberParseException:
            continue
        if number.country_code == 44 and phonenumbers.is_possible_number(number):
            yield Candidate(m.start(), m.end(), "phone", VALIDATED, "UK phone number", "phone")


def emails(text: str) -> Iterator[Candidate]:
    for m in EMAIL.finditer(text):
        yield Candidate(m.start(), m.end(), "email", VALIDATED, "e-mail address", "email")


def streets(text: str) -> Iterator[Candidate]:
    """A house number and a street name ("14 Fernbank Road", "Flat 3, 27 Mill Lane")."""
    for m in STREET.finditer(text):
        yield Candidate(m.start(), m.end(), "address", PATTERN, "street address pattern", "address")


def named_organisations(text: str) -> Iterator[Candidate]:
    """Capitalised names ending in School, Academy, Surgery, Medical Centre, Nursery, Hospital."""
    for m in NAMED_ORG.finditer(text):
        words = [(w.start() + m.start(), w.group()) for w in re.finditer(r"\S+", m.group())]
        while words and words[0][1] in GENERIC_HEADS:
            words = words[1:]
        if len(words) < 2:
            continue
        start = words[0][0]
        span = text[start:m.end()]
        kind = org_kind(span)
        yield Candidate(start, m.end(), "organisation", PATTERN, f"named {kind} pattern",
                        "org:" + " ".join(span.split()))


def titled_names(text: str) -> Iterator[Candidate]:
    """A title and one to three capitalised words: "Mr Tunde Bakare", "Dr Patel", "Mrs O'Neil"."""
    for m in TITLED.finditer(text):
        yield Candidate(m.start("name"), m.end(), "person", PATTERN, "title and name pattern", "person")


DETECTORS = (nhs_numbers, postcodes, phones, emails, streets, named_organisations, titled_names)
