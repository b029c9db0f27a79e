"""Open tasks' due dates follow the calendar and the deadline rules: when a local day off or
a deadline rule is added, changed or removed (in the admin or anywhere else), the due dates
it reaches are counted again in the same transaction (``deadlines.recompute_open_deadlines``).

Signals, because days off live in ``agencies``, below the workflows layer.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from agencies.models import DayOff

from .deadlines import recompute_open_deadlines, tasks_reached_by_day_off, tasks_reached_by_rule
from .models import DeadlineRule


def _stored(model: type, pk: Any) -> Any:
    return model.objects.filter(pk=pk).first() if pk else None


@receiver(pre_save, sender=DayOff)
@receiver(pre_save, sender=DeadlineRule)
def remember_what_was_stored(sender: type, instance: Any, **kwargs: Any) -> None:
    """Keep the row as stored before this save: a moved day off frees its old date too."""
    instance._stored_before = _stored(sender, instance.pk)


# The reason written in each moved task's history, by what happened to the day off / rule.
DAY_OFF_REASONS = {
    "added": _("Tenggat dihitung ulang: hari libur %(date)s (%(name)s) ditetapkan."),
    "changed": _("Tenggat dihitung ulang: hari libur %(date)s (%(name)s) diubah."),
    "moved": _("Tenggat dihitung ulang: hari libur %(date)s (%(name)s) dipindahkan."),
    "removed": _("Tenggat dihitung ulang: hari libur %(date)s (%(name)s) dihapus."),
}
RULE_REASONS = {
    "added": _("Tenggat dihitung ulang: aturan tenggat %(rule)s ditetapkan."),
    "changed": _("Tenggat dihitung ulang: aturan tenggat %(rule)s diubah."),
    "removed": _("Tenggat dihitung ulang: aturan tenggat %(rule)s dihapus."),
}


def _day_off_changed(day_off: DayOff, what: str) -> None:
    reason = str(DAY_OFF_REASONS[what]) % {
        "date": f"{day_off.date:%d-%m-%Y}",
        "name": day_off.name,
    }
    recompute_open_deadlines(
        tasks_reached_by_day_off(day_off.date, day_off.region_id), reason=reason
    )


@receiver(post_save, sender=DayOff)
def day_off_saved(sender: type, instance: DayOff, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_stored_before", None)
    if before is not None and (before.date, before.region_id) == (
        instance.date,
        instance.region_id,
    ):
        return  # renamed only: no date moves
    if before is not None:
        _day_off_changed(before, "moved")
    _day_off_changed(instance, "added" if created else "changed")


@receiver(post_delete, sender=DayOff)
def day_off_deleted(sender: type, instance: DayOff, **kwargs: Any) -> None:
    _day_off_changed(instance, "removed")


def _rule_changed(rule: DeadlineRule, what: str) -> None:
    reason = str(RULE_REASONS[what]) % {"rule": rule}
    recompute_open_deadlines(tasks_reached_by_rule(rule), reason=reason)


@receiver(post_save, sender=DeadlineRule)
def deadline_rule_saved(sender: type, instance: DeadlineRule, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_stored_before", None)
    if before is not None and _rule_scope(before) == _rule_scope(instance):
        if before.working_days == instance.working_days:
            return  # only the escalation period changed: no due date moves
    elif before is not None:
        _rule_changed(before, "changed")
    _rule_changed(instance, "added" if created else "changed")


def _rule_scope(rule: DeadlineRule) -> tuple:
    return (rule.kind, rule.service_id, rule.agency_id, rule.complaint_tier)


@receiver(post_delete, sender=DeadlineRule)
def deadline_rule_deleted(sender: type, instance: DeadlineRule, **kwargs: Any) -> None:
    _rule_changed(instance, "removed")
