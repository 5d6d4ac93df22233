"""The DfE code lists of the statutory returns, decoded into words for the chronology.

Sources (the published specifications; the lists change between collection years, so each
list names the edition it follows):

* CIN: Department for Education, *Children in need census 2024 to 2025: technical
  specification* (module 1 child identifiers and characteristics, module 2 CIN details) —
  referral source (N00152), primary need (N00101), reason for closure (N00103), category of
  abuse (N00113), disability (N00099), gender (N00783).
* 903: Department for Education, *Children looked after return (SSDA903) 2024 to 2025: guide*
  — reason for new episode (RNE), legal status (LS), placement type (PLACE), reason episode
  ceased (REC), missing/away (MISSING), sex (SEX).

An unknown code is a warning on the row, never a lost row: the code is kept as sent.
"""

from __future__ import annotations

SPEC_CIN = "DfE children in need census 2024 to 2025 technical specification"
SPEC_903 = "DfE children looked after return (SSDA903) 2024 to 2025 guide"

REFERRAL_SOURCE: dict[str, str] = {
    "1A": "individual: family member, relative or carer",
    "1B": "individual: acquaintance (including neighbours and child minders)",
    "1C": "individual: self",
    "1D": "individual: other",
    "2A": "school",
    "2B": "education services",
    "3A": "health services: GP",
    "3B": "health services: health visitor",
    "3C": "health services: school nurse",
    "3D": "health services: other primary health services",
    "3E": "health services: A&E (emergency department)",
    "3F": "health services: other",
    "4": "housing (local authority housing or housing association)",
    "5A": "local authority services: social care",
    "5B": "local authority services: other internal department",
    "5C": "local authority services: external (another local authority)",
    "5D": "early help",
    "6": "police",
    "7": "other legal agency",
    "8": "other",
    "9": "anonymous",
    "10": "unknown",
}

PRIMARY_NEED: dict[str, str] = {
    "N0": "not stated",
    "N1": "abuse or neglect",
    "N2": "child's disability or illness",
    "N3": "parental illness or disability",
    "N4": "family in acute stress",
    "N5": "family dysfunction",
    "N6": "socially unacceptable behaviour",
    "N7": "low income",
    "N8": "absent parenting",
    "N9": "cases other than children in need",
}

CLOSURE_REASON: dict[str, str] = {
    "RC1": "adopted",
    "RC2": "died",
    "RC3": "child arrangements order",
    "RC4": "special guardianship order",
    "RC5": "transferred to services of another local authority",
    "RC6": "transferred to adult social care services",
    "RC7": "services ceased for any other reason, including the child no longer in need",
    "RC8": "case closed after assessment, no further action",
    "RC9": "case closed after assessment, referred to early help",
}

ABUSE_CATEGORY: dict[str, str] = {
    "NEG": "neglect",
    "PHY": "physical abuse",
    "SAB": "sexual abuse",
    "EMO": "emotional abuse",
    "MUL": "multiple categories",
}

DISABILITY: dict[str, str] = {
    "NONE": "no disability",
    "MOB": "mobility",
    "HAND": "hand function",
    "PC": "personal care",
    "INC": "incontinence",
    "COMM": "communication",
    "LD": "learning",
    "HEAR": "hearing",
    "VIS": "vision",
    "BEH": "behaviour",
    "CON": "consciousness",
    "AUT": "autism or Asperger syndrome",
    "DDA": "other disability (Equality Act 2010)",
}

#: CIN GenderCurrent and 903 SEX to the canonical M/F/U
CIN_GENDER: dict[str, str] = {"0": "U", "1": "M", "2": "F", "9": "U"}
SEX_903: dict[str, str] = {"1": "M", "2": "F"}

NEW_EPISODE_REASON: dict[str, str] = {
    "S": "started to be looked after",
    "L": "change of legal status only",
    "P": "change of placement and carer(s) only",
    "T": "change of placement status only (same carer(s))",
    "U": "change of legal status and placement status at the same time (same carer(s))",
    "B": "change of legal status and of placement and carer(s) at the same time",
}

LEGAL_STATUS: dict[str, str] = {
    "C1": "interim care order",
    "C2": "full care order",
    "D1": "freeing order granted",
    "E1": "placement order granted",
    "J1": "remanded to local authority or youth detention accommodation",
    "J2": "placed in local authority accommodation under PACE",
    "J3": "sentenced to a youth rehabilitation order with a residence or fostering requirement",
    "L1": "under police protection and in local authority accommodation",
    "L2": "emergency protection order",
    "L3": "under a child assessment order and in local authority accommodation",
    "V2": "single period of accommodation under section 20 (Children Act 1989)",
    "V3": "accommodated under an agreed series of short-term breaks (episodes recorded)",
    "V4": "accommodated under an agreed series of short-term breaks (agreements recorded)",
}

PLACEMENT_TYPE: dict[str, str] = {
    "A3": "placed for adoption with parental consent with current foster carer(s)",
    "A4": "placed for adoption with parental consent not with current foster carer(s)",
    "A5": "placed for adoption with a placement order with current foster carer(s)",
    "A6": "placed for adoption with a placement order not with current foster carer(s)",
    "H5": "semi-independent or supported accommodation",
    "K1": "secure children's home",
    "K2": "children's home",
    "P1": "placed with own parent(s) or other person(s) with parental responsibility",
    "P2": "independent living (flat, lodgings, bedsit or with friends)",
    "P3": "residential employment",
    "R1": "residential care home",
    "R2": "NHS or health trust establishment providing medical or nursing care",
    "R3": "family centre or mother and baby unit",
    "R5": "young offender institution or prison",
    "S1": "residential school",
    "T0": "temporary placement (any type)",
    "T1": "temporary period in hospital",
    "T2": "temporary absence on holiday",
    "T3": "temporary accommodation while the foster carer(s) are on holiday",
    "T4": "temporary accommodation of seven days or less",
    "U1": "foster placement with relative or friend: long-term fostering",
    "U2": "foster placement with relative or friend who is an approved adopter (FFA or concurrent planning)",
    "U3": "foster placement with relative or friend: not long-term, FFA or concurrent planning",
    "U4": "foster placement with other foster carer: long-term fostering",
    "U5": "foster placement with other foster carer who is an approved adopter (FFA or concurrent planning)",
    "U6": "foster placement with other foster carer: not long-term, FFA or concurrent planning",
    "Z1": "other placement",
}

#: X1 means the episode ended only because another began the same day; every other code
#: (E..) is the child leaving care
EPISODE_CONTINUES = "X1"
EPISODE_END_REASON: dict[str, str] = {
    "X1": "episode ceased and a new episode began the same day",
    "E11": "adopted: application for an adoption order unopposed",
    "E12": "adopted: consent dispensed with by the court",
    "E2": "died",
    "E3": "care taken over by another local authority in the UK",
    "E4A": "returned home to parent(s) or person(s) with parental responsibility, as planned",
    "E4B": "returned home to parent(s) or person(s) with parental responsibility, not as planned",
    "E13": "left care to live with parent(s), relative(s) or other person(s) without parental "
           "responsibility",
    "E41": "child arrangements (residence) order granted",
    "E45": "special guardianship order to former foster carer(s) who are relatives or friends",
    "E46": "special guardianship order to former foster carer(s) other than relatives or friends",
    "E47": "special guardianship order to carer(s), not former foster carers, who are relatives "
           "or friends",
    "E48": "special guardianship order to carer(s), not former foster carers, other than "
           "relatives or friends",
    "E5": "moved into independent living with formalised advice or support",
    "E6": "moved into independent living without formalised advice or support",
    "E7": "transferred to residential care funded by adult social care services",
    "E8": "period of being looked after ceased for any other reason",
    "E9": "sentenced to custody",
    "E14": "accommodation on remand ended",
    "E15": "age assessment found the child aged 18 or over",
    "E16": "child moved abroad",
    "E17": "aged 18 or over and remained with current carers (including staying put)",
}

MISSING_TYPE: dict[str, str] = {
    "M": "missing from placement",
    "A": "away from placement without authorisation",
}


def words(codes: dict[str, str], code: str) -> str | None:
    """The words for ``code`` (case-insensitive), or None when the list does not have it."""
    return codes.get(code.strip().upper())
