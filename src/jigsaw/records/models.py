"""Stored source records: what each agency's system sent, as it sent it, with its history.

Every feed-derived table carries ``record_key`` (the row's identity within its source system,
see ``jigsaw.feeds.kinds``) and ``row_hash`` (of its canonical content) so the importer can
classify a re-sent row as new, changed or unchanged set-wise, in SQL, whatever its kind.
"""

from __future__ import annotations

import re
import unicodedata
from typing import ClassVar

from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower

#: what a safeguarding telephone number may look like (digits, spaces, brackets, dashes, a
#: leading +), for the agency pages and an agency's ``source.json`` alike
SAFEGUARDING_PHONE = re.compile(r"\+?[0-9 ()-]{6,30}")


class Agency(models.Model):
    """A partner organisation. Never deleted: records, accounts and the access log name it."""

    TYPES = [
        ("social_care", "Children's social care"),
        ("health", "Health"),
        ("police", "Police"),
        ("education", "Education"),
        ("other", "Other"),
    ]
    name = models.CharField(max_length=200, unique=True)
    agency_type = models.CharField(max_length=20, choices=TYPES, default="other")
    # Deactivated: its accounts are deactivated with it and no new ones can be made (its feeds
    # and records stay). A flag rather than a deletion, because the history refers to it.
    is_active = models.BooleanField(default=True)
    # Where other agencies are signposted to raise a concern about a child this agency knows.
    safeguarding_team = models.CharField(max_length=200, blank=True)
    safeguarding_phone = models.CharField(max_length=40, blank=True)
    safeguarding_email = models.EmailField(max_length=254, blank=True)
    # Names it had before a rename. Feeds name agencies as free text (involvements, source.json)
    # and older rows keep the old name, so it must still mean this agency.
    former_names = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name_plural = "agencies"
        constraints: ClassVar[list] = [
            # "Leeds Health" and "leeds health" would be one agency to every reader.
            models.UniqueConstraint(Lower("name"), name="records_agency_name_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def names(self) -> list[str]:
        """Its name, then its former names: every name a feed may call it by."""
        return [self.name, *self.former_names]


#: an agency's name at most: the access log records the agency of everyone who acts in 100
AGENCY_NAME_MAX = 100
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def tidy_agency_name(name: str) -> str:
    """A name as typed or sent, tidied: Unicode compatibility forms folded (NFKC: a non-breaking
    space is a space), and runs of spaces (and leading or trailing ones) dropped."""
    return " ".join(unicodedata.normalize("NFKC", name).split())


def agency_key(name: str) -> str:
    """What makes two agency names the same name: tidied, any case, any apostrophe. A feed
    writing "Children’s Services " means the agency "Children's Services", and must not make
    a look-alike beside it (whose contact would be given out as that agency's)."""
    return tidy_agency_name(name).translate(_APOSTROPHES).casefold()


def agencies_by_name(using: str) -> dict[str, int]:
    """Every agency's names and former names, by ``agency_key``, to its id (names are few).

    Python's ``casefold`` rather than the database's ``lower``: SQLite's knows only ASCII.
    """
    agencies = list(Agency.objects.using(using).only("name", "former_names"))
    found = {agency_key(agency.name): agency.pk for agency in agencies}
    for agency in agencies:  # a current name wins over another agency's former one
        for former in agency.former_names:
            found.setdefault(agency_key(former), agency.pk)
    return found


def records_per_system(using: str) -> dict[int, int]:
    """Person records per source system id, grouped on the records table alone (no join)."""
    return dict(PersonRecord.objects.using(using).order_by().values_list("source_system_id")
                .annotate(n=models.Count("id")).values_list("source_system_id", "n"))


def agency_named(name: str, using: str, agency_type: str = "other",
                 **fields: str) -> tuple[Agency, bool]:
    """The agency a feed means by ``name`` (current or former, any case), made with ``fields``
    if there is none; and whether it was made here."""
    name = tidy_agency_name(name)
    known = agencies_by_name(using).get(agency_key(name))
    if known is None:
        try:
            with transaction.atomic(using=using):
                return Agency.objects.using(using).create(name=name, agency_type=agency_type,
                                                          **fields), True
        except IntegrityError:  # made meanwhile by another import
            known = agencies_by_name(using)[agency_key(name)]
    return Agency.objects.using(using).get(pk=known), False


class SourceSystem(models.Model):
    code = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=200, blank=True)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.code


class ImportBatch(models.Model):
    """One file offered to ``jigsaw import``: what it was, what became of its rows, how long."""

    STATUS = [("loaded", "Loaded"), ("refused", "Refused")]
    source_system = models.ForeignKey(SourceSystem, null=True, on_delete=models.PROTECT)
    file_name = models.CharField(max_length=1000)
    file_kind = models.CharField(max_length=20, blank=True)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.BigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=STATUS)
    refusal_reason = models.TextField(blank=True)
    rows_read = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    quarantined = models.IntegerField(default=0)
    unchanged = models.IntegerField(default=0)
    warnings = models.IntegerField(default=0)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    seconds = models.FloatField(default=0)

    class Meta:
        indexes = [models.Index(fields=["sha256"]), models.Index(fields=["started_at"])]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.file_kind}, {self.status})"


class FeedRecord(models.Model):
    """Fields every stored feed row has.

    Bulk import speed is bounded by index maintenance, so the automatic per-foreign-key indexes
    are dropped where another index already leads with the column (source_system, person) or no
    query needs one (the batch references, which only the importer writes).

    The source system and batch references have no database constraint either: only the
    importer writes them, with the id of a row it read or made in the same transaction, and
    source systems and batches are never deleted (PROTECT still stops the ORM). On PostgreSQL
    each constraint is a trigger run once per stored row at commit, which cost about a fifth
    of the database's time to load a DfE census (docs/returns.md). The person references keep
    theirs on SQLite: purging a person must not leave its records behind. On PostgreSQL the
    same rule is held without a trigger per stored row (migration 0008, ``person_guard``): a
    trigger refuses to delete a person record that rows still name, and the writers of rows
    hold the records they name until they commit.
    """

    source_system = models.ForeignKey(SourceSystem, on_delete=models.PROTECT, db_index=False,
                                      db_constraint=False)
    record_key = models.CharField(max_length=600)
    row_hash = models.CharField(max_length=32)
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="+",
                              db_index=False, db_constraint=False)
    first_batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="+",
                                    db_index=False, db_constraint=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:  # ids only: str() of a record may reach a log
        return f"{type(self).__name__} {self.source_system_id}:{self.record_key}"


class PersonRecord(FeedRecord):
    """One agency's record of one person (the draft multi-agency Person standard's subset)."""

    SEX = [("M", "Male"), ("F", "Female"), ("U", "Unknown")]
    given_name = models.CharField(max_length=200)
    family_name = models.CharField(max_length=200)
    other_names = models.CharField(max_length=500, blank=True)
    birth_date = models.DateField(null=True)
    sex = models.CharField(max_length=1, choices=SEX, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True)
    nhs_number_invalid = models.CharField(max_length=40, blank=True)
    upn = models.CharField(max_length=13, blank=True)
    upn_invalid = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=500, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    postcode_invalid = models.CharField(max_length=40, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_child = models.BooleanField(null=True)
    ethnicity = models.CharField(max_length=4, blank=True)
    recorded_at = models.DateTimeField(null=True)
    #: whether the agency records a disability (the CIN census "disability" item); null: not recorded
    disability = models.BooleanField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source_system", "record_key"], name="person_key")
        ]
        indexes = [
            models.Index(fields=["nhs_number"]),
            models.Index(fields=["birth_date"]),
            models.Index(fields=["postcode"]),
        ]


class Event(FeedRecord):
    """One thing that happened to a person, as a source system recorded it. Its ``record_key`` is
    its ``event_id`` (the events feed's only key column, ``jigsaw.feeds.kinds.EVENTS``), so an
    event named ``source_system:event_id`` (an alert's evidence) is found through the unique
    (source system, record key) index; ``event_id`` itself is not indexed."""

    PRECISION = [("datetime", "Date and time"), ("day", "Day"), ("month", "Month"), ("year", "Year")]
    person = models.ForeignKey(PersonRecord, on_delete=models.PROTECT, related_name="events",
                               db_index=False)  # (person, occurred_at) below serves
    event_id = models.CharField(max_length=200)
    person_source_id = models.CharField(max_length=200)
    event_type = models.CharField(max_length=50)
    occurred_at = models.DateTimeField()
    occurred_precision = models.CharField(max_length=8, choices=PRECISION)
    recorded_at = models.DateTimeField(null=True)
    practitioner = models.CharField(max_length=200, blank=True)
    practitioner_role = models.CharField(max_length=200, blank=True)
    practitioner_contact = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True)
    kind = models.CharField(max_length=10, blank=True)
    significance = models.CharField(max_length=6, blank=True)
    details = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source_system", "record_key"], name="event_key")
        ]
        indexes = [
            models.Index(fields=["person", "occurred_at"]),
            models.Index(fields=["event_type", "occurred_at"]),
        ]


class Relationship(FeedRecord):
    """"The related person is the person's <relationship>", as one source recorded it."""

    person = models.ForeignKey(PersonRecord, on_delete=models.PROTECT, related_name="+",
                               db_index=False)
    related = models.ForeignKey(PersonRecord, on_delete=models.PROTECT, related_name="+",
                                db_index=False)
    person_source_id = models.CharField(max_length=200)
    related_source_id = models.CharField(max_length=200)
    relationship = models.CharField(max_length=30)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source_system", "record_key"], name="relationship_key")
        ]
        indexes = [models.Index(fields=["person"]), models.Index(fields=["related"])]


class Involvement(FeedRecord):
    """A practitioner or service working with a person: the signpost, never case detail."""

    person = models.ForeignKey(PersonRecord, on_delete=models.PROTECT, related_name="involvements",
                               db_index=False)
    person_source_id = models.CharField(max_length=200)
    agency = models.CharField(max_length=200)
    role = models.CharField(max_length=200)
    started_on = models.DateField()
    team = models.CharField(max_length=200, blank=True)
    practitioner = models.CharField(max_length=200, blank=True)
    contact = models.CharField(max_length=300, blank=True)
    ended_on = models.DateField(null=True)
    #: this practitioner is the child's lead professional (Working Together 2023: "lead
    #: practitioner"); null: the feed did not say
    lead_professional = models.BooleanField(null=True)
    #: an early help assessment (formerly the Common Assessment Framework, CAF) is open with this
    #: involvement; null: the feed did not say
    early_help_assessment = models.BooleanField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source_system", "record_key"], name="involvement_key")
        ]
        indexes = [models.Index(fields=["person"])]


class RecordVersion(models.Model):
    """A superseded version of a feed row, kept when its source re-sends it changed."""

    kind = models.CharField(max_length=20)
    source_system = models.ForeignKey(SourceSystem, on_delete=models.PROTECT)
    record_key = models.CharField(max_length=600)
    row_hash = models.CharField(max_length=32)
    data = models.JSONField()
    loaded_by = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="+")
    superseded_by = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["kind", "source_system", "record_key"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_system_id}:{self.record_key} superseded"


class QuarantinedRow(models.Model):
    """A row that could not be loaded safely, kept verbatim with where it was and why."""

    STATUS = [("open", "Open"), ("resolved", "Resolved")]
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="quarantine")
    last_batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="+")
    source_system = models.ForeignKey(SourceSystem, null=True, on_delete=models.PROTECT)
    file_kind = models.CharField(max_length=20)
    file_name = models.CharField(max_length=1000)
    line = models.IntegerField()
    record_key = models.CharField(max_length=600, blank=True)
    raw = models.TextField()
    raw_hash = models.CharField(max_length=32)
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=STATUS, default="open")
    times_seen = models.IntegerField(default=1)
    resolved_by = models.ForeignKey(
        ImportBatch, null=True, on_delete=models.PROTECT, related_name="resolved"
    )

    class Meta:
        indexes = [
            models.Index(fields=["status", "source_system", "file_kind", "record_key"]),
            models.Index(fields=["raw_hash"]),
        ]

    def __str__(self) -> str:
        return f"quarantined {self.file_kind} line {self.line} ({self.status})"


class ImportWarning(models.Model):
    """A problem with a row that still loaded (e.g. an NHS number failing its check digit)."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="warning_rows")
    line = models.IntegerField()
    record_key = models.CharField(max_length=600, blank=True)
    field = models.CharField(max_length=50, blank=True)
    message = models.TextField()

    def __str__(self) -> str:
        return f"warning batch {self.batch_id} line {self.line}: {self.field}"


class LitigationHold(models.Model):
    """A data manager's hold on a person's records (litigation, an inquiry, a complaint).

    While a hold is open no retention purge touches the person (docs/retention.md). It names the
    resolved person by id without a foreign key: ``signpost`` sits above ``records``, and a hold
    must not cascade away with a relinking. Released holds go with the person when purged.
    """

    person_id = models.BigIntegerField(db_index=True)
    reason = models.CharField(max_length=300)
    placed_by = models.CharField(max_length=150)
    placed_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.CharField(max_length=150, blank=True)
    release_reason = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:  # ids only: str() may reach a log
        return f"litigation hold {self.pk} on person {self.person_id}"
