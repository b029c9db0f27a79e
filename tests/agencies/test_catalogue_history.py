"""The PPKS categories and document types keep a history (issue 12, "History gaps").

``PpksCategory.is_sensitive`` decides who sees a category's cases: who changed it, when, and
from what to what is recorded, and shown on the admin's history page.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from agencies.models import DocumentType, PpksCategory


@pytest.fixture
def admin_client_of_root(client, db):
    user = get_user_model().objects.create_superuser("root", password="x-root")
    client.force_login(user)
    client.user = user
    return client


def test_marking_a_ppks_category_sensitive_in_the_admin_records_who_when_what(
    admin_client_of_root,
):
    client = admin_client_of_root
    category = PpksCategory.objects.create(code="pemulung-uji", name="Pemulung", sort_order=40)
    before = timezone.now()
    response = client.post(
        reverse("admin:agencies_ppkscategory_change", args=[category.pk]),
        {
            "code": "pemulung-uji",
            "name": "Pemulung",
            "is_sensitive": "on",
            "sort_order": "40",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    changed = category.history.latest()
    assert (changed.history_type, changed.history_user) == ("~", client.user)
    assert before <= changed.history_date <= timezone.now()
    delta = changed.diff_against(changed.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("is_sensitive", False, True)]

    page = client.get(reverse("admin:agencies_ppkscategory_history", args=[category.pk]))
    assert page.status_code == 200
    assert "root" in page.content.decode()


def test_renaming_a_document_type_in_the_admin_is_recorded(admin_client_of_root):
    client = admin_client_of_root
    document = DocumentType.objects.create(code="sktm-uji", name="SKTM")
    client.post(
        reverse("admin:agencies_documenttype_change", args=[document.pk]),
        {"code": "sktm-uji", "name": "Surat Keterangan Tidak Mampu"},
    )
    changed = document.history.latest()
    assert (changed.history_user, changed.prev_record.name, changed.name) == (
        client.user,
        "SKTM",
        "Surat Keterangan Tidak Mampu",
    )
