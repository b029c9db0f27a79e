"""Every model has an admin page that opens, in Indonesian by default."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.conftest import intake


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", password="x-root")


def test_every_admin_changelist_and_add_page_opens(client, superuser, staff):
    intake(staff["petugas"])
    client.force_login(superuser)
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert client.get(url).status_code == 200, url
        if model_admin.has_add_permission(type("R", (), {"user": superuser})()):
            add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
            assert client.get(add).status_code == 200, add


def test_superuser_without_a_membership_reads_no_case_contents(client, superuser, staff):
    case = intake(staff["petugas"]).case
    client.force_login(superuser)
    body = client.get(reverse("admin:cases_case_changelist")).content.decode()
    assert case.number not in body
    people = client.get(reverse("admin:cases_person_changelist")).content.decode()
    assert "Budi Santoso" not in people
