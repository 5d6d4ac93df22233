"""The lawful bases a practitioner may name for sharing information about a child: a controlled,
cited list (issue 17, principle 1 and 3 of learning from serious incidents).

The list follows the statutory guidance *Information sharing: advice for practitioners providing
safeguarding services to children, young people, parents and carers* (DfE, May 2024) and
*Working Together to Safeguard Children 2023*, which name the duties and the data-protection
conditions a practitioner relies on. Each entry is a duty or power to act (why the sharing is
part of the job) or a data-protection basis (why the processing is lawful); a decision names one.
A decision *not* to share names none, but must still say why (the guidance: "record your
decision and the reasons for it, whether or not you decide to share").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Basis:
    code: str
    label: str
    citation: str


BASES: tuple[Basis, ...] = (
    Basis(
        "ca1989_s17",
        "Children Act 1989 s17: a child in need",
        "Children Act 1989, section 17 (duty to safeguard and promote the welfare of children in need)",
    ),
    Basis(
        "ca1989_s47",
        "Children Act 1989 s47: enquiries into significant harm",
        "Children Act 1989, section 47 (duty to make enquiries where a child is suffering, or likely "
        "to suffer, significant harm; other agencies must assist, s47(9)-(11))",
    ),
    Basis(
        "ca2004_s11",
        "Children Act 2004 s11: duty to safeguard and promote welfare",
        "Children Act 2004, section 11 (named bodies must make arrangements to safeguard and promote "
        "the welfare of children)",
    ),
    Basis(
        "ca2004_s10",
        "Children Act 2004 s10: cooperation to improve well-being",
        "Children Act 2004, section 10 (cooperation to improve the well-being of children)",
    ),
    Basis(
        "gdpr_6_1_e_safeguarding",
        "UK GDPR Art. 6(1)(e) public task, with the DPA 2018 safeguarding condition",
        "UK GDPR Article 6(1)(e) (public task) and, for special category data, Article 9(2)(g) "
        "with Data Protection Act 2018 Schedule 1 Part 2 paragraph 18 (safeguarding of children and of "
        "individuals at risk)",
    ),
    Basis(
        "gdpr_6_1_d_vital",
        "UK GDPR Art. 6(1)(d): vital interests",
        "UK GDPR Article 6(1)(d) (processing necessary to protect the vital interests of the data "
        "subject or another person)",
    ),
    Basis(
        "gdpr_6_1_c_legal",
        "UK GDPR Art. 6(1)(c): legal obligation (a court order or statutory request)",
        "UK GDPR Article 6(1)(c) (processing necessary for compliance with a legal obligation)",
    ),
    Basis(
        "consent",
        "Consent of the person (or of the parent for a young child)",
        "UK GDPR Article 6(1)(a) (consent); the DfE 2024 advice: consent is not needed to share for "
        "safeguarding and should not be sought where seeking it would place a child at risk",
    ),
)

BY_CODE: dict[str, Basis] = {b.code: b for b in BASES}


def basis_named(code: str | None) -> Basis | None:
    """The basis with this code, or None (never a default)."""
    return BY_CODE.get((code or "").strip())
