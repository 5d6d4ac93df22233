"""URL routes. Every one of them is behind sign-in (jigsaw.accounts.middleware) unless listed there."""

from django.urls import include, path

urlpatterns = [
    path("", include("jigsaw.web.urls")),
    path("", include("jigsaw.accounts.urls")),
    path("", include("jigsaw.signpost.urls")),
    path("", include("jigsaw.chronology.urls")),
    path("", include("jigsaw.alerts.urls")),
    path("", include("jigsaw.audit.urls")),
    path("", include("jigsaw.insight.urls")),
    path("", include("jigsaw.reviews.urls")),
    path("", include("jigsaw.practice.urls")),
    path("", include("jigsaw.api.urls")),  # bearer tokens, not sign-in (JIGSAW_TOKEN_AUTH_PREFIXES)
]

# A refusal is recorded (access log for a signed-in user), then shown as the GOV.UK 403 page.
handler403 = "jigsaw.web.refusals.forbidden"
