"""Each layer alone, and the precedence that keeps a validated identifier whole."""

from __future__ import annotations

from jigsaw.redaction import patterns
from jigsaw.redaction.spans import KNOWN, MODEL, PATTERN, VALIDATED, Candidate, resolve


def _texts(found, text):
    return [text[c.start:c.end] for c in found]


def test_nhs_numbers_need_a_valid_check_digit():
    text = "NHS 999 526 0182, ref 999 526 0183, and 9995260182."
    assert _texts(patterns.nhs_numbers(text), text) == ["999 526 0182", "9995260182"]


def test_postcodes_in_the_published_format():
    text = "at WF5 9DQ, LS11 8PL and SW1A 1AA; not QQ1 1AA nor WF5 9CI"
    assert _texts(patterns.postcodes(text), text) == ["WF5 9DQ", "LS11 8PL", "SW1A 1AA"]


def test_uk_phones_include_the_drama_mobile_range():
    text = "ring 0113 496 0777, (0161) 496 0123, 07700 900461 or +44 20 7946 0123; not 12345"
    assert _texts(patterns.phones(text), text) == ["0113 496 0777", "(0161) 496 0123", "07700 900461",
                                                   "+44 20 7946 0123"]


def test_emails_and_streets_and_named_schools():
    text = ("e-mail a.b@example.nhs.uk; lived at Flat 3, 27 Mill Lane; attends Horbury Academy and "
            "the Health Centre")
    assert _texts(patterns.emails(text), text) == ["a.b@example.nhs.uk"]
    assert _texts(patterns.streets(text), text) == ["Flat 3, 27 Mill Lane"]
    assert _texts(patterns.named_organisations(text), text) == ["Horbury Academy"]


def test_titled_names():
    text = "Mr Tunde Bakare met Dr O'Neil and Mrs McDonald's son."
    assert _texts(patterns.titled_names(text), text) == ["Tunde Bakare", "O'Neil", "McDonald"]


def test_a_validated_identifier_is_never_swallowed_by_a_wider_weaker_span():
    text = "number (999 526 0182) seen"
    wide = Candidate(7, 20, "phone", MODEL, "model", "x")     # "(999 526 0182"
    nhs = Candidate(8, 20, "nhs_number", VALIDATED, "nhs", "nhs")
    assert [(s.category, text[s.start:s.end]) for s in resolve(text, [wide, nhs])] == [
        ("nhs_number", "999 526 0182")]


def test_a_weaker_span_is_cut_around_a_stronger_one_and_keeps_its_other_part():
    text = "Ossett WF5 9DQ the next day"
    junk = Candidate(0, 10, "person", MODEL, "model", "x")    # "Ossett WF5" as a person
    postcode = Candidate(7, 14, "postcode", VALIDATED, "pc", "pc")
    got = [(s.category, text[s.start:s.end]) for s in resolve(text, [junk, postcode])]
    assert got == [("person", "Ossett"), ("postcode", "WF5 9DQ")]


def test_within_a_layer_the_longer_span_wins():
    text = "Kayden Morris"
    got = resolve(text, [Candidate(0, 6, "person", KNOWN, "k", "a"),
                         Candidate(0, 13, "person", KNOWN, "k", "b")])
    assert [(s.start, s.end) for s in got] == [(0, 13)]
    got = resolve(text, [Candidate(0, 13, "organisation", PATTERN, "p", "o"),
                         Candidate(0, 6, "person", KNOWN, "k", "a")])
    assert [(s.category, text[s.start:s.end]) for s in got] == [
        ("person", "Kayden"), ("organisation", "Morris")]


def test_long_texts_reach_the_model_in_pieces_cut_at_line_breaks():
    from jigsaw.redaction.ner import chunks

    text = ("word " * 30 + "\n") * 100
    pieces = list(chunks(text, size=1000))
    assert "".join(p for _o, p in pieces) == text
    assert all(text[o:o + len(p)] == p and (p.endswith("\n") or o + len(p) == len(text)) for o, p in pieces)
    assert max(len(p) for _o, p in pieces) <= 1000
