"""The one view viewflow's nodes need: where its own task URLs lead."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect

from cases.selectors import cases_visible_to


@login_required
def task_redirect(request, process_pk=None, task_pk=None, **kwargs):
    """viewflow's own task URL: send the officer to the case page, where tasks are done."""
    case = cases_visible_to(request.user).filter(work_items__task_id=task_pk).first()
    if case is None:
        raise Http404
    return redirect("case_detail", number=case.number)
