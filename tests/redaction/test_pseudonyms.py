"""One pseudonym per person, however the person is written; the report; leftovers to check."""

from __future__ import annotations

import json

from jigsaw.redaction import KnownEntity, Redactor


def test_every_form_of_a_name_gets_the_same_pseudonym(redactor):
    text = ("Kayden was seen. Kayden Morris cried. K. Morris slept. KAYDEN MORRIS was weighed. "
            "Mr Whitaker and Tyler argued. Lacey-Mae, Lacey and Lacey Morris are one girl.")
    out = redactor.redact(text).text
    assert out == ("Child A was seen. Child A cried. Child A slept. Child A was weighed. "
                   "Father and Father argued. Sibling 1, Sibling 1 and Sibling 1 are one girl.")


def test_nicknames_from_the_identity_table(redactor):
    assert redactor.redact("Billy Carter and Will visited.").text == \
        "Health Visitor 1 and Health Visitor 1 visited."


def test_titles_choose_between_people_sharing_a_surname_and_are_flagged(redactor):
    result = redactor.redact("Then Mrs Morris arrived.")
    assert result.text == "Then Mother arrived."
    (item,) = result.replacements
    assert item.check and "known entities are written this way" in item.reason


def test_matching_is_case_sensitive_so_common_words_stay(redactor):
    assert redactor.redact("There was hope that Hope would settle.").text == \
        "There was hope that Sibling 2 would settle."


def test_organisations_addresses_and_their_forms(redactor):
    text = "She attends Fernbank Primary and the Fernbank Primary School; home is 14 Fernbank Road, Ossett."
    assert redactor.redact(text).text == \
        "She attends the school and the school; home is [address], [place]."


def test_a_second_school_is_numbered():
    r = Redactor([KnownEntity("organisation", "Fernbank Primary School"),
                  KnownEntity("organisation", "Horbury Academy")], use_model=False)
    assert r.redact("Fernbank Primary School, then Horbury Academy.").text == "School 1, then School 2."


def test_pseudonyms_hold_across_calls(redactor):
    first = redactor.redact("Mr Gary Firth called.").text
    second = redactor.redact("Later Mr Firth and Mrs Ann Jones called.").text
    assert first == "Person 1 called."
    assert second == "Later Person 1 and Person 2 called."


def test_the_report_has_offsets_and_never_the_original_text(redactor):
    text = "Kayden Morris (NHS 999 526 0182) was seen at Ossett Medical Centre on 12 October 2021."
    result = redactor.redact(text)
    dumped = json.dumps(result.report)
    for secret in ("Kayden", "Morris", "999 526 0182", "Ossett", "12 October"):
        assert secret not in dumped
    assert {text[i["start"]:i["end"]]: i["replacement"] for i in result.report} == {
        "Kayden Morris": "Child A", "999 526 0182": "[NHS number]",
        "Ossett Medical Centre": "the GP practice", "on 12 October 2021": "in October 2021"}
    keys = {"start", "end", "category", "replacement", "reason", "check"}
    assert all(set(i) == keys for i in result.report)
    assert result.text == "Child A (NHS [NHS number]) was seen at the GP practice in October 2021."


def test_leftover_capitalised_words_are_listed_to_check_not_changed(redactor):
    text = "Kayden went to see Marjorie at the Front Door. Marjorie said no."
    result = redactor.redact(text)
    leftovers = [i for i in result.replacements if i.replacement is None]
    assert [(text[i.start:i.end], i.check, i.category) for i in leftovers] == [("Marjorie", True, "unknown")]
    assert "Marjorie" in result.text


def test_a_validated_number_survives_inside_a_known_address_line():
    r = Redactor([KnownEntity("address", "Flat 3, 27 Mill Lane, Horbury, WF4 6DZ")], use_model=False)
    assert r.redact("Lives at Flat 3, 27 Mill Lane, Horbury WF4 6DZ.").text == \
        "Lives at [address], [place] [postcode]."


def test_an_unknown_given_name_before_a_known_surname_is_another_person(redactor):
    result = redactor.redact("Her aunt, Nadia Morris, called. Nadia said Kayden Morris was fine.")
    assert result.text == "Her aunt, Person 1, called. Person 1 said Child A was fine."
    assert result.replacements[0].check


def test_rows_sharing_a_label_are_one_person():
    r = Redactor([KnownEntity("person", "Kayden Morris", "child", "Child A"),
                  KnownEntity("person", "Kayden Moris", "child", "Child A")], use_model=False)
    (item,) = r.redact("Kayden slept.").replacements
    assert item.replacement == "Child A" and not item.check


def test_a_known_town_inside_a_street_or_practice_name_goes_with_it():
    r = Redactor([KnownEntity("place", "Leeds")], use_model=False)
    text = "He lived at 112 Leeds Road, was seen at Leeds Family Practice, and left Leeds."
    assert r.redact(text).text == "He lived at [address], was seen at the GP practice, and left [place]."


def test_typographic_apostrophes_and_surname_particles():
    r = Redactor([KnownEntity("person", "Ellie-Mae O'Brien", "child"),
                  KnownEntity("person", "Marcus de Souza", "carer")], use_model=False)
    assert r.redact("Ellie-Mae O’Brien said de Souza and Souza left.").text == \
        "Child A said Carer 1 and Carer 1 left."
