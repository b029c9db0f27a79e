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


def test_an_administrator_cannot_give_themselves_a_case_team_role(client, staff):
    """Four eyes: the admin who configures cannot open citizen data to themselves."""
    from agencies.models import Membership

    admin_user = get_user_model().objects.create_superuser("root2", password="x-root2")
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:agencies_membership_add"),
        {
            "user": admin_user.pk,
            "role": "supervisor",
            "area": "19.04",
            "is_active": "on",
            "office": staff["manajer"].memberships.get().office_id,
        },
    )
    assert response.status_code == 200
    assert "Keanggotaan Anda sendiri diatur oleh administrator lain." in response.content.decode()
    assert not Membership.objects.filter(user=admin_user).exists()

    # Another administrator may; the first then cannot change or delete it.
    own = Membership.objects.create(
        user=admin_user,
        role="supervisor",
        area_id="19.04",
        office=staff["manajer"].memberships.get().office,
    )
    change = reverse("admin:agencies_membership_change", args=[own.pk])
    client.post(
        change,
        {
            "user": admin_user.pk,
            "role": "supervisor",
            "area": "14.03",
            "is_active": "on",
            "office": own.office_id,
        },
    )
    own.refresh_from_db()
    assert own.area_id == "19.04"
    assert (
        client.post(
            reverse("admin:agencies_membership_delete", args=[own.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_a_deactivated_account_is_sent_no_e_mail(staff):
    from django.core import mail

    from workflows.models import Notification
    from workflows.notifications import send_pending_emails

    user = staff["dinkes"]
    user.email = "dinkes@example.go.id"
    user.save()
    Notification.objects.create(recipient=user, kind="assigned", message="Tugas baru.")
    user.is_active = False
    user.save()
    assert send_pending_emails() == 0
    assert mail.outbox == []
