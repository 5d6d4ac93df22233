"""A user enrols their own authenticator at their first sign-in.

An account is made (or its authenticator reset) with an *unconfirmed* TOTP device: nobody sees
its secret then, not the administrator either. After the password, a user whose only device is
unconfirmed is shown its QR code (inline SVG drawn by segno, no script or outside request) and
the secret as text for typing, and must enter a valid code from their app; only then is the
device confirmed and the session verified. NCSC's multi-factor guidance: the user registers
their own factor, and registration proves they hold it.

Demo accounts are made enrolled, so ``jigsaw otp-code`` can give their codes.
"""

from __future__ import annotations

import base64

import segno
from django_otp.plugins.otp_totp.models import TOTPDevice


def pending_device(user: object, using: str | None = None) -> TOTPDevice | None:
    """The device the user has still to enrol, or None (enrolled already, or no device at all)."""
    devices = TOTPDevice.objects.using(using).filter(user=user)
    if devices.filter(confirmed=True).exists():
        return None
    return devices.filter(confirmed=False).order_by("-pk").first()


def secret_text(device: TOTPDevice) -> str:
    """The secret in groups of four letters, as authenticator apps ask for it when typed."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The device's ``otpauth://`` address as an inline SVG QR code, with a text alternative."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=4, dark="#0b0c0c", light="#ffffff",
        title="QR code to scan with your authenticator app")
    return svg.replace("<svg ", '<svg role="img" focusable="false" ', 1)


def enrol(device: TOTPDevice, code: str) -> bool:
    """Confirm ``device`` if ``code`` is one it shows now; True when enrolled."""
    if device.confirmed or not device.verify_token(code.strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True
