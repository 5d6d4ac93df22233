"""The legal bases a machine client may give as ``reason``, each mapped to a search reason.

The draft MAIS data-exchange standard (SocialCareData/data-exchange-standard, v0.3,
``docs/operation-definition.md``) asks for ``reason`` as "a URI string for legal justification",
with the legislation.gov.uk address of the Children Act 1989 section 47 as its example, and
leaves the agreed code list to be written. Until it is, a reason is accepted only if it is the
legislation.gov.uk address of one of the lawful reasons a practitioner's search accepts
(:data:`jigsaw.signpost.search.REASONS`), so the machine and the page answer to the same law and
the access log records the same codes. A partnership that needs another sets
``JIGSAW_API_REASONS`` (a mapping of URI to search reason code).
"""

from __future__ import annotations

from django.conf import settings

from jigsaw.signpost.search import Reason, SearchRefused, reason_for

LEGISLATION = "https://www.legislation.gov.uk/"

#: URI -> search reason code. Each URI is the provision the reason's ``legal_basis`` cites.
REASON_URIS: dict[str, str] = {
    # Children Act 1989 (c. 41) s47: enquiries where a child may be suffering significant harm
    LEGISLATION + "ukpga/1989/41/section/47": "s47",
    # Children Act 1989 s17: services for children in need
    LEGISLATION + "ukpga/1989/41/section/17": "s17",
    # Children Act 2004 (c. 31) s11: arrangements to safeguard and promote welfare
    LEGISLATION + "ukpga/2004/31/section/11": "s11",
    # Data Protection Act 2018 (c. 12) Sch 1 para 18: safeguarding of children at risk (health use)
    LEGISLATION + "ukpga/2018/12/schedule/1/paragraph/18": "health",
    # Education Act 2002 (c. 32) s175 and s157: safeguarding duties of schools
    LEGISLATION + "ukpga/2002/32/section/175": "school",
    LEGISLATION + "ukpga/2002/32/section/157": "school",
    # Children Act 1989 s46: police protection
    LEGISLATION + "ukpga/1989/41/section/46": "police_protection",
}


class ReasonRefused(ValueError):
    """No reason, or one that is not an allowed legal basis."""


def reason_uris() -> dict[str, str]:
    """The configured URI -> code mapping (``JIGSAW_API_REASONS``), else :data:`REASON_URIS`."""
    return dict(getattr(settings, "JIGSAW_API_REASONS", None) or REASON_URIS)


def canonical(uri: str) -> str:
    """The form URIs are compared in: https, the www host, no trailing slash or fragment."""
    text = uri.strip().split("#", 1)[0].rstrip("/")
    if text.startswith("http://"):
        text = "https://" + text[len("http://"):]
    return text.replace("https://legislation.gov.uk/", LEGISLATION, 1)


def reason_of(uri: str | None) -> Reason:
    """The search reason the URI stands for, or :class:`ReasonRefused` naming the allowed ones."""
    if uri is None or not uri.strip():
        raise ReasonRefused("the reason parameter (valueUri, the legal basis for asking) is required")
    allowed = {canonical(k): v for k, v in reason_uris().items()}
    code = allowed.get(canonical(uri))
    if code is None:
        raise ReasonRefused("the reason is not an allowed legal basis; the CapabilityStatement lists them")
    try:
        return reason_for(code)
    except SearchRefused:  # a configured URI naming a code the search does not know
        raise ReasonRefused("the reason is not an allowed legal basis; the CapabilityStatement lists them") \
            from None
