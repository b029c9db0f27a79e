"""Admin views of citizen data follow the pages' rule, decided once here.

Every admin of a model that holds citizen data (people, families, cases and what hangs on
them, referrals, deliveries, tasks, notifications, the access log, viewflow's processes)
uses :class:`ScopedAdminMixin`:

- **Scope.** The changelist and every object view (change, history list, history entry,
  delete) read through ``get_queryset``, which the admin narrows with the selectors the
  pages use (``cases_visible_to``, ``people_visible_to``, ``referrals_visible_to``,
  ``tasks_visible_to``). An object out of scope answers 404 by the same code path as one
  that does not exist. A superuser or administrator without a case-team membership sees
  nothing: administrators configure, they do not read citizen data.
- **Read-only.** No add, change or delete, and no revert from history: changes go through
  the services (the pages and the API), which check, record history and move the flow.
- **Masked.** ``masked_fields`` (the NIK, the No. KK) are shown only through ``mask_nik``,
  in the change form, the history entry and the history list's changes; ``hidden_fields``
  are never shown. A NIK is never searched here (it would travel in the URL).
- **Logged.** Each change, history or history-entry view writes an access-log row
  (``cases.access.log_access``) naming the case and/or person read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from simple_history.template_utils import HistoricalRecordContextHelper

from .access import log_access
from .models import AccessAction, Case, Person
from .nik import holds_id_number, mask_nik
from .selectors import case_team_q, cases_visible_to

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# (case, person) read on an admin page; either may be None.
Subject = tuple[Case | None, Person | None]

ADMIN_PURPOSE = "Halaman admin"


def team_cases(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Case]:
    """The cases ``user`` sees whole: visible (``cases_visible_to``) and on the case team
    (``case_team_q``, the rule behind ``sees_whole_case``). Agency staff read a referred
    case through its referral pages, with only what the referral needs, never whole here."""
    return cases_visible_to(user).filter(case_team_q(user))


class _MaskedHistoryHelper(HistoricalRecordContextHelper):
    """The history list's "changes" column: only shown fields, masked ones masked."""

    def __init__(self, model: type[Model], record: Any, *, shown: set[str], masked: set[str]):
        super().__init__(model, record)
        self.shown = shown
        self.masked = masked

    def context_for_delta_changes(self, delta: Any) -> list[dict[str, Any]]:
        changes = []
        for change in delta.changes:
            if change.field in self.masked:
                change = dataclasses.replace(
                    change, old=mask_nik(change.old), new=mask_nik(change.new)
                )
            elif change.field not in self.shown:
                continue
            changes.append(change)
        return super().context_for_delta_changes(dataclasses.replace(delta, changes=changes))


class ScopedAdminMixin:
    """An admin of citizen data: scoped, read-only, masked and access-logged (see the module
    docstring). Changes go through the services (the pages and the API), never the admin.

    Subclasses name ``scope(request, queryset)`` returning the visible rows (by calling the
    selectors) and ``access_subjects(request, obj)`` yielding the (case, person) pairs a
    view of ``obj`` reads.
    """

    masked_fields: tuple[str, ...] = ()
    hidden_fields: tuple[str, ...] = ()

    def scope(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        raise NotImplementedError

    def access_subjects(self, request: HttpRequest, obj: Any) -> Iterable[Subject]:
        raise NotImplementedError

    # Scope -----------------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return self.scope(request, super().get_queryset(request))

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None):
        """The object from the scoped queryset; 404 when out of scope or missing alike (the
        admin's default is a redirect with a message, which tells the two apart from 403)."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        """A NIK or No. KK is never searched here: it would travel in the URL (the case list
        page searches by NIK in a POST body)."""
        if holds_id_number(search_term):
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    # Read-only -------------------------------------------------------------------------

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def shown_model_fields(self) -> list[str]:
        """Model fields shown (read-only) on the change and history-entry pages."""
        opts = self.model._meta
        unshown = {*self.masked_fields, *self.hidden_fields, *(self.exclude or ())}
        return [
            f.name
            for f in (*opts.fields, *opts.many_to_many)
            if f.editable and not f.auto_created and f.name not in unshown
        ]

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [
            *(super().get_exclude(request, obj) or ()),
            *self.masked_fields,
            *self.hidden_fields,
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        """Every field is read-only, on the history entry page too (where the library would
        otherwise render the old values as an editable form)."""
        declared = list(super().get_readonly_fields(request, obj))
        return [*declared, *(name for name in self.shown_model_fields() if name not in declared)]

    # Views -----------------------------------------------------------------------------

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        response = super().change_view(request, object_id, form_url, extra_context)
        self._log_read(request, obj, response)
        return response

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        response = super().history_view(request, object_id, extra_context)
        self._log_read(request, obj, response)
        return response

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context=None
    ) -> HttpResponse:
        """One history entry, read-only. The object must be in scope (404 otherwise, like the
        change page) and the entry must be its own; nothing is ever saved from here: a POST
        (the library's "revert") answers 405."""
        obj = self.get_object(request, unquote(object_id))
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        try:
            found = history.filter(**{self.model._meta.pk.attname: obj.pk}, history_id=version_id)
            if not found.exists():
                raise Http404
        except (ValueError, ValidationError) as error:
            raise Http404 from error
        response = super().history_form_view(request, str(obj.pk), version_id, extra_context)
        self._log_read(request, obj, response)
        return response

    def get_historical_record_context_helper(self, request: HttpRequest, historical_record):
        return _MaskedHistoryHelper(
            self.model,
            historical_record,
            shown=set(self.shown_model_fields()),
            masked=set(self.masked_fields),
        )

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    # Access log ------------------------------------------------------------------------

    def _log_read(self, request: HttpRequest, obj: Any, response: HttpResponse) -> None:
        """One access-log row per (case, person) the page showed; none for a refusal."""
        if response.status_code != 200 or request.method not in ("GET", "HEAD"):
            return
        match = request.resolver_match
        route = f"admin:{match.url_name}" if match and match.url_name else "admin"
        for case, person in self.access_subjects(request, obj):
            if case is None and person is None:
                continue
            log_access(
                user=request.user,
                action=AccessAction.VIEW_CASE if case is not None else AccessAction.VIEW_PERSON,
                route=route,
                case=case,
                person=person,
                purpose=ADMIN_PURPOSE,
            )


class CaseChildAdminMixin(ScopedAdminMixin):
    """Visits, follow-ups, notes and attachments: only on cases the user sees whole."""

    def scope(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(case__in=team_cases(request.user))

    def access_subjects(self, request: HttpRequest, obj: Any) -> Iterable[Subject]:
        return [(obj.case, None)]
