"""``workflows.background.start_job``: one long job (a registry import) started on the
configured engine; the Celery engine sends it to a worker as ``workflows.tasks.run_job``."""

from __future__ import annotations

import io

import pytest
from celery import current_app
from django.core.files.base import ContentFile
from django.core.management import call_command

from cases.models import ImportState, RegistryImport
from cases.registry_import.services import registry_import_create
from tests.cases.import_files import csv_file, extract_row
from workflows import tasks
from workflows.background import start_job


@pytest.fixture
def waiting_import(staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return registry_import_create(
        actor=staff["backoffice"],
        kind="extract",
        file=ContentFile(csv_file([extract_row()])),
        filename="dtks.csv",
    )


def test_without_an_engine_the_job_runs_when_the_request_commits(
    waiting_import, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        start_job("registry_import", waiting_import.pk)

    assert RegistryImport.objects.get().state == ImportState.CHECKED


def test_the_celery_engine_sends_the_job_to_a_worker_by_name(
    waiting_import, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.BACKGROUND_ENGINE = "celery"
    sent = []
    monkeypatch.setattr(current_app, "send_task", lambda name, args: sent.append((name, args)))

    with django_capture_on_commit_callbacks(execute=True):
        start_job("registry_import", waiting_import.pk)

    assert sent == [("workflows.tasks.run_job", ["registry_import", [waiting_import.pk]])]
    assert RegistryImport.objects.get().state == ImportState.CHECKING
    tasks.run_job(*sent[0][1])  # what the worker runs
    assert RegistryImport.objects.get().state == ImportState.CHECKED


def test_an_unknown_job_is_refused_at_once(db):
    with pytest.raises(KeyError):
        start_job("no_such_job", 1)


def test_cron_runs_the_periodic_jobs_through_our_command_not_viewflows(db):
    # "workflow_timers" was shadowed by viewflow's command of that name: cron ran nothing.
    out = io.StringIO()
    call_command("run_periodic_jobs", stdout=out)
    assert "exports_expired: 0" in out.getvalue() and "overdue_notices: 0" in out.getvalue()
