"""A purged person's alerts, deleted with them.

An alert about several people (a household's domestic abuse pattern) is deleted whole when any
of them is purged: its explanation and event list describe them all together, and editing one
person out would leave an alert whose evidence no longer exists. The rule re-raises it for the
people still held the next time alerts run, if the pattern still stands without them.
"""

from __future__ import annotations

from collections.abc import Sequence

from jigsaw.records.purge import chunks, delete_where

from .models import Alert, AlertAction


def purge_people(person_ids: Sequence[int], using: str = "default") -> dict[str, int]:
    """Delete every alert that names any of these people; rows deleted per table."""
    through = Alert.people.through
    alerts: set[int] = set()
    for part in chunks(list(person_ids)):
        alerts |= set(
            through.objects.using(using).filter(person_id__in=part).values_list("alert_id", flat=True)
        )
    wanted = set(person_ids)
    # person_ids as raised (kept even if people were later merged): read them set-wise, match here
    for aid, named in Alert.objects.using(using).values_list("id", "person_ids").iterator(2000):
        if aid not in alerts and wanted.intersection(named or ()):
            alerts.add(aid)
    alerts_list = sorted(alerts)
    return {
        "alerts_alertaction": delete_where(AlertAction, "alert_id", alerts_list, using),
        "alerts_alert_people": delete_where(through, "alert_id", alerts_list, using),
        "alerts_alert": delete_where(Alert, "id", alerts_list, using),
    }
