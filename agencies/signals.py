"""Keep each agency's permission group in step with its staff memberships; bring a user's
language into their session when they sign in."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import AGENCY_ROLES, Membership, UserPreference


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


@receiver(user_logged_in)
def remember_language_at_sign_in(sender, request, user, **kwargs) -> None:
    from config.middleware import USER_LANGUAGE_SESSION_KEY

    language = UserPreference.objects.filter(user=user).values_list("language", flat=True).first()
    if language and request is not None and hasattr(request, "session"):
        request.session[USER_LANGUAGE_SESSION_KEY] = language
