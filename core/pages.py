"""Pagination of the staff pages' lists: one page size, one way to read the page number."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

# Rows per page of every staff list (cases, tasks, queues, move requests).
PAGE_SIZE = 25


def page_of(request: HttpRequest, rows: QuerySet | list, per_page: int = PAGE_SIZE) -> Page:
    """The page of ``rows`` the request asks for (``?page=``); the last page for a number
    past the end and the first for anything that is not a number, never an error."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))
