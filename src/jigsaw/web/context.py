"""Template context every page needs: the navigation the signed-in user's role allows."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from jigsaw.accounts.roles import areas_for, is_verified

# (label, URL name, area needed or None for every verified user); add a line per new page.
NAVIGATION = (
    ("Home", "home", None),
    ("Find a child", "signpost:search", "search"),
    ("Alerts", "alerts:alerts", "alerts"),
    ("Link review", "signpost:link-review", "review"),
    ("Case reviews", "reviews:list", "review"),
    ("Access log", "audit:audit", "audit"),
    ("Partnership figures", "insight:aggregates", "aggregates"),
    ("Users", "accounts:users", "admin"),
    ("Agencies", "accounts:agencies", "admin"),
    ("Change password", "accounts:password", None),
)


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not is_verified(user):
        return {"nav_items": []}
    areas = areas_for(user)
    items = []
    for label, name, area in NAVIGATION:
        if area is None or area in areas:
            url = reverse(name)
            current = request.path == url or (url != "/" and request.path.startswith(url))
            items.append({"label": label, "url": url, "current": current})
    return {"nav_items": items}
