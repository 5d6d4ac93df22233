"""Event summaries and ``details`` JSON, as small tables indexed by a per-event text code.

Details are combinations of a few categorical values (injury type x body site x explanation x
mobility, presenting complaint x mobility, children present x DASH count), so every distinct
summary and details string is built once per process and an event only stores an integer.
Summaries are short, plain and factual, and never name anyone.
"""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa

from jigsaw.feeds import EVENT_TYPES, INJURY_TYPES
from jigsaw.synth.csvout import escape

ETYPES: tuple[str, ...] = tuple(EVENT_TYPES)
ET = {name: i for i, name in enumerate(ETYPES)}
KIND = ("fact", "judgement")
SIGNIFICANCE = ("low", "medium", "high")
MOBILITY = (None, "not_independently_mobile", "mobile")
MOB_NONE, MOB_NIM, MOB_MOBILE = 0, 1, 2

_JUDGEMENT = {"assessment_end", "strategy_discussion", "section47_end", "cp_conference"}
_HIGH = {"strategy_discussion", "section47_start", "cp_conference", "cp_plan_start",
         "looked_after_start", "domestic_abuse_incident", "missing_episode",
         "exploitation_concern", "death"}
_LOW = {"contact", "cin_plan_end", "home_visit", "gp_appointment", "health_visit",
        "antenatal_booking", "birth", "school_enrolment", "address_change", "case_closed",
        "mental_health_contact", "substance_misuse_contact"}
DEFAULT_KIND = np.array([int(t in _JUDGEMENT) for t in ETYPES], "int8")
DEFAULT_SIGNIFICANCE = np.array([0 if t in _LOW else 2 if t in _HIGH else 1 for t in ETYPES], "int8")

_PLAIN: dict[str, tuple[str, ...]] = {
    "contact": ("Contact received from the school about the child's welfare.",
                "Contact received from police after a call to the home.",
                "Contact received from the health visitor about home conditions.",
                "Contact received from a neighbour about the children being left alone."),
    "referral": ("Contact accepted as a referral to children's social care.",),
    "assessment_start": ("Child and family assessment started.",),
    "assessment_end": ("Assessment completed: no further action by children's social care.",
                       "Assessment completed: child in need, plan recommended.",
                       "Assessment completed: needs met by early help."),
    "strategy_discussion": ("Strategy discussion held; threshold for section 47 enquiries met.",),
    "section47_start": ("Section 47 enquiries started.",),
    "section47_end": ("Section 47 enquiries concluded: concerns substantiated.",
                      "Section 47 enquiries concluded: concerns not substantiated."),
    "cp_conference": ("Child protection conference held; child protection plan agreed (neglect).",
                      "Review child protection conference held; plan to continue.",
                      "Child protection conference held; plan under emotional abuse agreed."),
    "cp_plan_start": ("Child became subject to a child protection plan.",),
    "cp_plan_end": ("Child protection plan ended; stepped down to child in need.",
                    "Child protection plan ended; child now looked after."),
    "cin_plan_start": ("Child in need plan started.",),
    "cin_plan_end": ("Child in need plan ended.",),
    "looked_after_start": ("Child became looked after and placed with foster carers.",),
    "looked_after_end": ("Child ceased to be looked after and returned home.",),
    "home_visit": ("Home visit completed; child seen.", "Home visit completed; child seen alone."),
    "home_visit_no_access": ("Planned home visit; no answer at the door, card left.",
                             "Planned home visit; parent declined entry."),
    "case_closed": ("Case closed by children's social care.",),
    "gp_appointment": ("Seen at the practice for a minor illness.", "Seen for a routine review.",
                       "Immunisations given at the practice.", "Seen for a chest infection."),
    "health_visit": ("New birth visit completed at home.", "6-8 week review completed.",
                     "1 year development review completed.", "2 year development review completed.",
                     "Antenatal contact completed at home."),
    "appointment_was_not_brought": ("Child was not brought to a booked appointment.",),
    "antenatal_booking": ("Pregnancy booked with the maternity service.",),
    "birth": ("Baby born in hospital; mother and baby discharged home.",),
    "mental_health_contact": ("Seen by the community mental health team.",
                              "Telephone review by the mental health team."),
    "substance_misuse_contact": ("Attended a key work session at the recovery service.",
                                 "Assessment with the drug and alcohol service."),
    "missing_episode": ("Reported missing from home.", "Reported missing from care placement."),
    "missing_return": ("Found safe and returned home; return interview to be offered.",),
    "exploitation_concern": ("Concern recorded about possible criminal exploitation.",),
    "arrest": ("Arrested and taken into custody.",),
    "police_concern": ("Officers recorded a concern about the child's welfare.",),
    "school_enrolment": ("Enrolled at the school.",),
    "school_concern": ("Safeguarding concern logged by the school.",
                       "Operation Encompass notification received by the school."),
    "persistent_absence": ("Attendance below 90% this term.",),
    "exclusion": ("Suspended for a fixed period.",),
    "missing_education": ("Not attending and not found at the home address; missing education.",),
    "household_member_joined": ("Mother's new partner has moved into the home.",
                                "A relative has moved into the household."),
    "household_member_left": ("Mother's partner has moved out of the home.",),
    "address_change": ("Family moved to a new address.",),
    "service_refused": ("Parent declined the offered health visiting contact.",
                        "Family declined the offered early help service."),
    "death": ("Death recorded.",),
}
_MOB_TYPES = ("gp_appointment", "health_visit", "appointment_was_not_brought")
SITES = (None, "forehead", "left cheek", "right cheek", "ear", "neck", "torso", "back",
         "upper arm", "forearm", "wrist", "knee", "shin")
EXPLANATIONS = (None, "fell in the playground", "fell off a bike", "fell down the stairs",
                "tripped at home", "bumped into furniture", "burn from a hot drink", "dog bite",
                "parent unsure how it happened", "said to have rolled off the sofa",
                "said a sibling caused it")
INJURIES = tuple(sorted(INJURY_TYPES))
_INJ_LABEL = {"bruise": "Bruise", "fracture": "Fracture", "burn": "Burn", "bite": "Bite",
              "head_injury": "Head injury", "laceration": "Laceration", "other": "Injury"}
COMPLAINTS = ("fever", "breathing difficulty", "abdominal pain", "vomiting", "a rash",
              "an allergic reaction", "a seizure", "ear pain", "a swallowed object",
              "a limb injury", "a head injury", "a cut needing stitches", "a burn", "bruising")
N_ILLNESS = 9  # COMPLAINTS[:N_ILLNESS] are not injuries


def _dump(obj: dict[str, object]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


class _Builder:
    def __init__(self) -> None:
        self.summary: list[str] = []
        self.details: list[str | None] = []

    def add(self, summary: str, details: dict[str, object] | None) -> int:
        self.summary.append(summary)
        self.details.append(_dump(details) if details else None)
        return len(self.summary) - 1


_b = _Builder()
PLAIN_START: dict[str, int] = {}
PLAIN_COUNT: dict[str, int] = {}
for _t, _variants in _PLAIN.items():
    PLAIN_START[_t] = len(_b.summary)
    PLAIN_COUNT[_t] = len(_variants) * (3 if _t in _MOB_TYPES else 1)
    for _s in _variants:
        for _m in (MOBILITY if _t in _MOB_TYPES else (None,)):
            _b.add(_s, {"mobility": _m} if _m else None)
INJURY_BASE = len(_b.summary)
for _it in INJURIES:
    for _site in SITES:
        for _ex in EXPLANATIONS:
            for _m in MOBILITY:
                _text = _INJ_LABEL[_it] + (f" to the {_site}" if _site else "") + " seen"
                _text += f"; {_ex}." if _ex else "."
                _d: dict[str, object] = {"injury_type": _it}
                if _site:
                    _d["body_site"] = _site
                if _ex:
                    _d["explanation"] = _ex
                if _m:
                    _d["mobility"] = _m
                _b.add(_text, _d)
ED_BASE = len(_b.summary)
for _c in COMPLAINTS:
    for _m in MOBILITY:
        _d = {"presenting_complaint": _c} | ({"mobility": _m} if _m else {})
        _b.add(f"Attended the emergency department with {_c}; assessed and discharged.", _d)
DA_BASE = len(_b.summary)
for _present in (False, True):
    for _dash in range(-1, 28):
        _d = {"children_present": _present} | ({"dash_yes_count": _dash} if _dash >= 0 else {})
        _b.add("Police attended a reported domestic abuse incident at the home; "
               + ("children were present." if _present else "no children were present."), _d)

SUMMARY = escape(pa.array(_b.summary, pa.string()))  # CSV-ready
DETAILS = escape(pa.array(_b.details, pa.string()))
DETAILS_RAW: tuple[str | None, ...] = tuple(_b.details)  # the same, unescaped (synth/followups.py)


def plain(etype: str, variant: np.ndarray | int = 0, mob: np.ndarray | int = 0) -> np.ndarray:
    """Text codes of a type's plain summaries (``mob`` only for GP/HV/WNB events)."""
    v = np.asarray(variant) % (PLAIN_COUNT[etype] // (3 if etype in _MOB_TYPES else 1))
    if etype in _MOB_TYPES:
        return PLAIN_START[etype] + v * 3 + np.asarray(mob)
    return PLAIN_START[etype] + v


def injury(itype: np.ndarray, site: np.ndarray, expl: np.ndarray, mob: np.ndarray) -> np.ndarray:
    """Text codes of injuries (indices into INJURIES, SITES, EXPLANATIONS, MOBILITY)."""
    return INJURY_BASE + ((np.asarray(itype) * len(SITES) + site) * len(EXPLANATIONS) + expl) * 3 + mob


def ed(complaint: np.ndarray, mob: np.ndarray | int = 0) -> np.ndarray:
    """Text codes of ED attendances (index into COMPLAINTS)."""
    return ED_BASE + np.asarray(complaint) * 3 + mob


def domestic_abuse(present: np.ndarray, dash: np.ndarray) -> np.ndarray:
    """Text codes of domestic abuse incidents (``dash`` -1 when no DASH was recorded)."""
    return DA_BASE + np.asarray(present, "int64") * 29 + np.asarray(dash) + 1


INJ = {name: i for i, name in enumerate(INJURIES)}
