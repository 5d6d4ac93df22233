"""``AccessEntry``: one row of the append-only, hash-chained access log.

Append-only is enforced three times over, each catching what the one before cannot:

1. the model and its queryset refuse updates and deletes (a programming mistake fails loudly);
2. the database refuses them too, whoever asks: on PostgreSQL a django-pgtrigger ``Protect``
   trigger, on SQLite ``BEFORE UPDATE``/``BEFORE DELETE`` triggers made by migration 0001
   (raw SQL, an ORM bypass or a migration gone wrong cannot rewrite history);
3. the hash chain (:mod:`jigsaw.audit.chain`) makes anything that still gets through — an
   administrator who drops the trigger — visible to ``jigsaw audit verify``.

There is no foreign key to the person: entries must outlive a merge, a split or a permanent
deletion of the person they are about, and a foreign key would forbid or cascade those.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pgtrigger
from django.db import connections, models

from jigsaw.audit import chain


class Action(models.TextChoices):
    SEARCH = "search", "Search"
    VIEW_CHILD = "view_child", "View a child"
    VIEW_CHRONOLOGY = "view_chronology", "View a chronology"
    EXPORT = "export", "Export"
    ALERT_ACTION = "alert_action", "Act on an alert"
    OVERRIDE = "override", "Override (emergency access, shield lifted)"
    SIGN_IN = "sign_in", "Sign in"
    SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
    SIGN_OUT = "sign_out", "Sign out"
    REVIEW_DECISION = "review_decision", "Link review decision"
    ADMIN = "admin", "Administration"
    VIEW_ALERT = "view_alert", "View an alert"
    VIEW_AGGREGATES = "view_aggregates", "View partnership figures"
    REFUSED = "refused", "Refused access"
    PASSWORD_CHANGE = "password_change", "Own password changed"
    VIEW_REVIEW = "view_review", "View records awaiting link review"
    RECORD_PRACTICE = "record_practice", "Record practice (sharing, disagreement, meeting, child's voice)"


class AppendOnly(Exception):
    """Raised on any attempt to change or remove an access-log entry."""


class AccessEntryQuerySet(models.QuerySet):
    """Bulk writes that would bypass :meth:`AccessEntry.save` are refused, not silently allowed."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnly("access-log entries cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnly("access-log entries cannot be deleted")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnly("access-log entries cannot be updated")

    def bulk_create(self, *args: Any, **kwargs: Any) -> list:
        raise AppendOnly("write access-log entries with jigsaw.audit.log.record or record_many")

    def append_chained(self, entries: list[AccessEntry]) -> list[AccessEntry]:
        """Insert entries already chained under the log's lock (only jigsaw.audit.log calls this).

        One INSERT written out, not ``bulk_create``: compiling that cost more CPU than the insert,
        and the log is written on every search and API query (docs/api.md). Each value is
        prepared by its field as the ORM prepares it, and the ids come back as bulk_create's do.
        """
        connection = connections[self.db]
        fields = [f for f in AccessEntry._meta.concrete_fields if not f.primary_key]
        row = f"({', '.join(['%s'] * len(fields))})"
        sql = (f"INSERT INTO {connection.ops.quote_name(AccessEntry._meta.db_table)} "  # noqa: S608
               f"({', '.join(connection.ops.quote_name(f.column) for f in fields)}) "
               f"VALUES {', '.join([row] * len(entries))}")
        returning = connection.features.can_return_rows_from_bulk_insert
        if returning:
            sql += f" RETURNING {connection.ops.quote_name(AccessEntry._meta.pk.column)}"
        params = [f.get_db_prep_save(f.pre_save(e, True), connection) for e in entries for f in fields]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids = [r[0] for r in cursor.fetchall()] if returning else [None] * len(entries)
        for entry, pk in zip(entries, ids, strict=True):
            entry.pk = pk
            entry._state.adding, entry._state.db = False, self.db
        return entries


class AccessEntry(models.Model):
    """Who did what to whose record, why, when and from where; chained to the entry before."""

    sequence = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.CharField(max_length=150, db_index=True)
    role = models.CharField(max_length=50, blank=True)
    agency = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    person_id = models.BigIntegerField(null=True, db_index=True)
    reason_code = models.CharField(max_length=50, blank=True)
    reason_text = models.CharField(max_length=500, blank=True)
    detail = models.JSONField(default=dict)
    remote_addr = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects: ClassVar[models.Manager] = AccessEntryQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["sequence"]
        indexes: ClassVar[list] = [
            # "recently opened" on the home page: one user's newest entries of one action, read
            # backwards from the newest without visiting the rest of their history
            models.Index(fields=["actor", "action", "-sequence"], name="audit_actor_action_seq"),
        ]
        triggers: ClassVar[list] = [
            # TRUNCATE is deliberately not a trigger: Django's test flush truncates every table,
            # and the app's database role is simply not granted TRUNCATE (docs/audit.md).
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"access entry {self.sequence} ({self.action} by {self.actor})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only: an entry that is already stored can never be saved again."""
        if not self._state.adding:
            raise AppendOnly("access-log entries cannot be updated")
        kwargs["force_insert"] = True
        kwargs.pop("force_update", None)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly("access-log entries cannot be deleted")

    def hashed_fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in chain.HASHED_FIELDS}

    def compute_hash(self) -> str:
        from django.conf import settings

        return chain.entry_hash(self.hashed_fields(), settings.JIGSAW_AUDIT_KEY.encode("utf-8"))
