"""Keep each agency's permission group in step with its staff memberships; bring a user's
language (chosen on the sign-in page, or kept on their account) into their session when
they sign in; end a user's API tokens when their password
changes or they are deactivated."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import AGENCY_ROLES, Membership, UserPreference
from .services import USER_LANGUAGE_SESSION_KEY, set_user_language
from .tokens import tokens_end_all


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
    """The session's language: the one chosen on the sign-in page (its cookie), else the
    one kept on the account. A first choice is kept on the account; a later one on the
    sign-in page holds for this session only (an office PC's cookie may be a colleague's)."""
    if request is None or not hasattr(request, "session"):
        return
    saved = UserPreference.objects.filter(user=user).values_list("language", flat=True).first()
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen not in dict(settings.LANGUAGES):
        chosen = None
    if chosen and not saved:
        set_user_language(user=user, language=chosen)
    language = chosen or saved
    if language:
        request.session[USER_LANGUAGE_SESSION_KEY] = language


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def note_credential_change(sender, instance, update_fields=None, raw=False, **kwargs) -> None:
    """Mark a save that changes the password or deactivates the user (compared with the row)."""
    instance._ends_api_tokens = False
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return  # e.g. the last_login update at every sign-in
    stored = get_user_model().objects.filter(pk=instance.pk).values("password", "is_active").first()
    if stored is None:
        return
    # Any new hash counts, a hasher upgrade at sign-in included: ending a token too often
    # costs a login, keeping one after a password change could cost a citizen's data.
    instance._ends_api_tokens = stored["password"] != instance.password or not instance.is_active


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def end_api_tokens_on_credential_change(sender, instance, created, **kwargs) -> None:
    """A new password or a deactivation ends every API token of the user (issue 10, fault 6)."""
    if not created and getattr(instance, "_ends_api_tokens", False):
        tokens_end_all(user_id=instance.pk)
        instance._ends_api_tokens = False
