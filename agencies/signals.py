"""Keep each agency's permission group in step with its staff memberships."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import AGENCY_ROLES, Membership


@receiver([post_save, post_delete], sender=Membership)
def sync_agency_group(sender, instance: Membership, **kwargs) -> None:
    if instance.agency_id is None or instance.agency.group_id is None:
        return
    group = instance.agency.group
    active = Membership.objects.filter(
        user_id=instance.user_id,
        agency_id=instance.agency_id,
        role__in=AGENCY_ROLES,
        is_active=True,
    ).exists()
    if active:
        group.user_set.add(instance.user_id)
    else:
        group.user_set.remove(instance.user_id)
