"""What accounts announce for the access log to record, without accounts importing the log.

Each is a Django signal sent with ``request`` and ``username`` (and ``user`` once known;
``reason`` for a failure: "password", "code" or "locked_out"), or, for a change made by a
signed-in user, ``request``, ``using`` and ``detail``. The audit app connects to them when it is
ready (``jigsaw.audit.receivers``). :func:`announce` refuses to go on when nothing records an
event: an unrecorded administrative change must not happen.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal

signed_in = Signal()
sign_in_failed = Signal()
signed_out = Signal()
#: The signed-in user changed their own password.
password_changed = Signal()
#: An administrator changed a user or an agency (``detail`` says what).
administered = Signal()


def announce(signal: Signal, **kwargs: Any) -> None:
    """Send ``signal``; raise if no receiver recorded it (the audit app is not installed)."""
    if not signal.send("jigsaw.accounts", **kwargs):
        raise RuntimeError("nothing records this change: the audit app must be installed")
