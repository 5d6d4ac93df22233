"""Sign-in events: the sign-in pages (accounts) send them, the access log (receivers) records them.

Each is a Django signal sent with ``request`` and ``username`` (and ``user`` once known;
``reason`` for a failure: "password", "code" or "locked_out"). Connect with, for example,
``signed_in.connect(receiver)``. Nothing here records anything itself.
"""

from django.dispatch import Signal

signed_in = Signal()
sign_in_failed = Signal()
signed_out = Signal()
