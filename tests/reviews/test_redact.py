"""The final report redacted by the engine with the review's known people, its items attached."""

from datetime import date

import pytest

from jigsaw.reviews import evidence, services
from jigsaw.reviews.models import RedactionItem
from jigsaw.reviews.redact import redact_final_report
from jigsaw.reviews.signoff import apply_decisions, decide_item
from jigsaw.reviews.workflow import ReviewError
from tests.conftest import BOTH

pytestmark = pytest.mark.django_db(databases=BOTH)
TODAY = date(2026, 11, 30)


def _at_final_report(family):
    using = family["using"]
    review = services.open_review(family["amy"], date(2025, 12, 22), "death", "m", today=TODAY, using=using)
    services.notify(review.pk, date(2025, 12, 29), "m", today=TODAY, using=using)
    evidence.rapid_review(review.pk, date(2026, 1, 12), "m", today=TODAY, using=using)
    services.decide(
        review.pk, "local_review", "learning", "m", on=date(2026, 1, 20), today=TODAY, using=using
    )
    services.set_local_review(review.pk, "m", terms_of_reference="scope", reviewer="R", using=using)
    services.final_report(review.pk, date(2026, 6, 1), "m", today=TODAY, using=using)
    return review


def test_the_engine_redacts_with_the_reviews_known_people(family, tmp_path):
    using = family["using"]
    review = _at_final_report(family)
    source, target = tmp_path / "final.txt", tmp_path / "out.txt"
    original = "Amy Smith lived with Jane Smith. Emma Walker visited.\n"
    source.write_text(original, encoding="utf-8")
    report = redact_final_report(review.pk, source, target, "m", use_model=False, using=using)
    redacted = target.read_text(encoding="utf-8")
    assert "Amy" not in redacted and "Jane" not in redacted and "Child A" in redacted
    items = list(RedactionItem.objects.using(using).filter(report=report))
    assert items and all(i.decision == RedactionItem.PENDING for i in items)
    for item in items:
        decide_item(review.pk, item.index, "approved", "reviewer", using=using)
    decided = list(RedactionItem.objects.using(using).filter(report=report))
    assert apply_decisions(original, decided) == redacted


def test_a_file_that_is_not_text_or_docx_is_refused_and_nothing_attached(family, tmp_path):
    using = family["using"]
    review = _at_final_report(family)
    source = tmp_path / "final.pdf"
    source.write_bytes(b"%PDF-1.4 \x00\x01\x02")
    with pytest.raises(ReviewError):
        redact_final_report(review.pk, source, tmp_path / "out.pdf", "m", use_model=False, using=using)
    assert not RedactionItem.objects.using(using).exists()


def test_the_page_redacts_an_uploaded_final_report_and_attaches_its_items(family, make_user, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from jigsaw.accounts.roles import Role
    from tests.accounts.support import verified_client

    review = _at_final_report(family)
    lead = verified_client(make_user(Role.SAFEGUARDING_LEAD, username="lead"))
    final = SimpleUploadedFile("final.txt", b"Amy Smith was seen by Emma Walker.\n", "text/plain")
    response = lead.post(reverse("reviews:redaction", args=[review.pk]), {"final": final})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert b"Amy" not in response.content and b"Child A" in response.content
    assert RedactionItem.objects.using(family["using"]).filter(decision=RedactionItem.PENDING).exists()
