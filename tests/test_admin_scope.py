"""The admin site's permission matrix (issue 10, fault 3): every admin view of every model
that holds citizen data answers by the pages' scope.

Three users: a superuser with no membership, a configuration-only administrator (staff, an
administrator membership, view permission on every citizen model), and a supervisor of
Bangka Tengah (19.04) with the same view permissions. For each citizen-data admin:
changelist, change, history list, history entry and delete, on an object of a Nibung case
(in the supervisor's scope) and one of a Bengkalis case (14.03, out of everyone's scope).
Only the supervisor reads, and only in scope; everything else answers 404. Nothing is ever
written from the admin, the NIK and No. KK never appear in full, and each read is logged.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from agencies.models import Membership, Role, Service
from cases.access import log_access
from cases.models import (
    AccessLog,
    Attachment,
    Case,
    Family,
    FollowUp,
    HomeVisit,
    Note,
    Person,
)
from referrals.models import Delivery, Referral
from tests.conftest import KOTA_BENGKALIS, NIK_MALE, intake, person, referred_case
from workflows.models import Notification, WorkItem

NIK_BENGKALIS = "1403011208850009"
NIK_CORRECTED = "1904011208850011"  # the in-scope person's NIK after a correction
KK_NIBUNG = "1904010101200001"
KK_BENGKALIS = "1403010101200002"
FULL_NUMBERS = [NIK_MALE, NIK_CORRECTED, NIK_BENGKALIS, KK_NIBUNG, KK_BENGKALIS]

# Every registered admin of a model holding citizen data or workflow state about a citizen.
CITIZEN_MODELS = [
    "cases.person",
    "cases.family",
    "cases.case",
    "cases.homevisit",
    "cases.followup",
    "cases.note",
    "cases.attachment",
    "cases.accesslog",
    "referrals.referral",
    "referrals.delivery",
    "workflows.workitem",
    "workflows.notification",
    "viewflow.process",
    "viewflow.task",
]
USERS = ["superuser", "administrator", "supervisor"]


def _grant_view(user) -> None:
    codenames = [f"view_{label.split('.')[1]}" for label in CITIZEN_MODELS]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))


def _citizen_rows(case: Case, *, by, notify, kk_number: str, agency) -> dict:
    """One row of each citizen model on ``case`` (the flow made some of them already)."""
    now = timezone.now()
    beneficiary = case.beneficiary
    family = Family.objects.create(kk_number=kk_number, registry_source="DTSEN 2025")
    beneficiary.family = family
    beneficiary.relationship = "head"
    beneficiary.save()
    visit = case.visits.first() or HomeVisit.objects.create(
        case=case,
        visited_at=now,
        findings="Rumah papan.",
        recommendation="eligible",
        visited_by=by,
    )
    referral = case.referrals.first() or Referral.objects.create(
        case=case,
        service=Service.objects.get(code="pbi-jk"),
        agency=agency,
        sent_by=by,
        sent_at=now,
        due_at=now + dt.timedelta(days=7),
        at_risk_at=now + dt.timedelta(days=5),
    )
    work_item = WorkItem.objects.filter(case=case).order_by("pk").first()
    return {
        "cases.person": beneficiary,
        "cases.family": family,
        "cases.case": case,
        "cases.homevisit": visit,
        "cases.followup": FollowUp.objects.create(
            case=case, contacted_at=now, outcome="improved", note="Sudah berobat.", recorded_by=by
        ),
        "cases.note": Note.objects.create(case=case, kind="note", text="Catatan.", author=by),
        "cases.attachment": Attachment.objects.create(
            case=case,
            kind="ktp",
            file=ContentFile(b"\x89PNG", name=f"KTP_{beneficiary.nik}.png"),
            original_name=f"KTP_{beneficiary.nik}.png",
            content_type="image/png",
            size=4,
            uploaded_by=by,
        ),
        "cases.accesslog": log_access(
            user=by, action="view_case", route="case_detail", case=case, person=beneficiary
        ),
        "referrals.referral": referral,
        "referrals.delivery": Delivery.objects.create(
            referral=referral,
            person=beneficiary,
            service=referral.service,
            delivered_at=now,
            channel="in_kind",
            recorded_by=by,
        ),
        "workflows.workitem": work_item,
        "workflows.notification": Notification.objects.create(
            recipient=notify, kind="assigned", message=f"Tugas baru {case.number}", case=case
        ),
        "viewflow.process": case.process,
        "viewflow.task": work_item.task,
    }


@pytest.fixture
def admin_world(staff, agencies, settings, tmp_path):
    """(users, {"in": rows in the supervisor's scope, "out": rows in Bengkalis})."""
    settings.MEDIA_ROOT = tmp_path
    User = get_user_model()
    supervisor = staff["manajer"]  # supervisor of KAB. BANGKA TENGAH (19.04)
    supervisor.is_staff = True
    supervisor.save()
    administrator = User.objects.create_user("konfigurator", password="x", is_staff=True)
    Membership.objects.create(user=administrator, role=Role.ADMINISTRATOR, area_id="19.04")
    for user in (supervisor, administrator):
        _grant_view(user)
    users = {
        "superuser": User.objects.create_superuser("root", password="x-root"),
        "administrator": administrator,
        "supervisor": User.objects.get(pk=supervisor.pk),  # fresh permission cache
    }

    nibung = referred_case(staff, nik=NIK_MALE, services=["pbi-jk"])
    bengkalis = intake(
        staff["petugas_bks"], applicant=person(nik=NIK_BENGKALIS, region_code=KOTA_BENGKALIS)
    ).case
    rows = {
        "in": _citizen_rows(
            nibung,
            by=staff["peksos"],
            notify=supervisor,
            kk_number=KK_NIBUNG,
            agency=agencies["dinkes"],
        ),
        "out": _citizen_rows(
            bengkalis,
            by=staff["petugas_bks"],
            notify=staff["petugas_bks"],
            kk_number=KK_BENGKALIS,
            agency=agencies["dinkes_bks"],
        ),
    }
    # A NIK correction, so the person's history list has a change to show (masked).
    corrected = rows["in"]["cases.person"]
    corrected.nik = NIK_CORRECTED
    corrected.save()
    return users, rows


def _model(label: str):
    from django.apps import apps

    return apps.get_model(label)


def _urls(label: str, obj) -> dict[str, str]:
    """The object's admin pages: change, history list, history entry (if any), delete."""
    app, name = label.split(".")
    urls = {
        "change": reverse(f"admin:{app}_{name}_change", args=[obj.pk]),
        "history": reverse(f"admin:{app}_{name}_history", args=[obj.pk]),
        "delete": reverse(f"admin:{app}_{name}_delete", args=[obj.pk]),
    }
    if isinstance(admin.site._registry[_model(label)], SimpleHistoryAdmin):
        entry = obj.history.order_by("-history_id").first()
        urls["history entry"] = reverse(
            f"admin:{app}_{name}_simple_history", args=[obj.pk, entry.history_id]
        )
    return urls


def test_every_model_with_citizen_data_has_a_scoped_read_only_admin():
    """No registered admin of a model holding citizen data is left unscoped or editable."""
    from cases.admin_scope import ScopedAdminMixin

    for label in CITIZEN_MODELS:
        model_admin = admin.site._registry[_model(label)]
        assert isinstance(model_admin, ScopedAdminMixin), label
    registered = {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry}
    # The simple-history Historical* models are never registered on their own.
    assert not [label for label in registered if ".historical" in label]


@pytest.mark.parametrize("who", USERS)
def test_admin_pages_answer_by_the_pages_scope(client, admin_world, who):
    users, rows = admin_world
    user = users[who]
    client.force_login(user)
    for label in CITIZEN_MODELS:
        app, name = label.split(".")
        changelist = client.get(reverse(f"admin:{app}_{name}_changelist"))
        assert changelist.status_code == 200, (who, label)
        listed = changelist.content.decode()
        for scope, objects in rows.items():
            obj = objects[label]
            visible = who == "supervisor" and scope == "in"
            link = reverse(f"admin:{app}_{name}_change", args=[obj.pk])
            assert (f'href="{link}"' in listed) == visible, (who, label, scope, "changelist")
            for number in FULL_NUMBERS:
                assert number not in listed, (who, label, "changelist")
            for page, url in _urls(label, obj).items():
                logged = AccessLog.objects.filter(user=user).count()
                response = client.get(url)
                body = response.content.decode()
                if not visible:
                    assert response.status_code == 404, (who, label, scope, page)
                    assert AccessLog.objects.filter(user=user).count() == logged
                    continue
                if page == "delete":
                    assert response.status_code == 403, (who, label, page)  # read-only
                    continue
                assert response.status_code == 200, (who, label, page)
                for number in FULL_NUMBERS:
                    assert number not in body, (label, page, "full NIK / No. KK shown")
                assert 'name="_save"' not in body, (label, page, "revert or save offered")
                assert 'name="_continue"' not in body, (label, page)
                new_rows = AccessLog.objects.filter(user=user).order_by("pk")[logged:]
                assert new_rows, (label, page, "no access-log row")
                assert all(row.route.startswith("admin:") for row in new_rows)


def test_supervisor_sees_the_nik_correction_in_history_masked(client, admin_world):
    users, rows = admin_world
    budi = rows["in"]["cases.person"]
    client.force_login(users["supervisor"])
    body = client.get(reverse("admin:cases_person_history", args=[budi.pk])).content.decode()
    assert "1904••••••••0001" in body and "1904••••••••0011" in body
    assert NIK_MALE not in body and NIK_CORRECTED not in body
    change = client.get(reverse("admin:cases_person_change", args=[budi.pk])).content.decode()
    assert "1904••••••••0011" in change
    assert "Budi Santoso" in change


@pytest.mark.parametrize("who", USERS)
def test_history_revert_of_an_out_of_scope_person_changes_nothing(client, admin_world, who):
    """The reported attack: POST changed data to the history entry of a Bengkalis person."""
    users, rows = admin_world
    stranger = rows["out"]["cases.person"]
    entry = stranger.history.order_by("history_id").first()
    versions = stranger.history.count()
    client.force_login(users[who])
    url = reverse("admin:cases_person_simple_history", args=[stranger.pk, entry.history_id])
    response = client.post(
        url,
        {
            "full_name": "Diubah Lewat Riwayat",
            "phone": "089999999999",
            "street": "Jl. Palsu 1",
            "sex": "M",
            "region": KOTA_BENGKALIS,
            "life_status": "deceased",
            "_save": "Revert",
        },
    )
    assert response.status_code == 404
    unchanged = Person.objects.get(pk=stranger.pk)
    assert unchanged.full_name == "Budi Santoso"
    assert unchanged.phone == "081234567890"
    assert unchanged.life_status == "active"
    assert stranger.history.count() == versions


@pytest.mark.parametrize("who", USERS)
def test_history_revert_of_an_in_scope_person_is_not_offered(client, admin_world, who):
    users, rows = admin_world
    budi = rows["in"]["cases.person"]
    entry = budi.history.order_by("history_id").first()  # before the NIK correction
    versions = budi.history.count()
    client.force_login(users[who])
    url = reverse("admin:cases_person_simple_history", args=[budi.pk, entry.history_id])
    response = client.post(url, {"full_name": "Diubah Lewat Riwayat", "_save": "Revert"})
    # The supervisor may read it but not revert (405); administrators do not see it (404).
    assert response.status_code == (405 if who == "supervisor" else 404)
    unchanged = Person.objects.get(pk=budi.pk)
    assert unchanged.full_name == "Budi Santoso"
    assert unchanged.nik == NIK_CORRECTED
    assert budi.history.count() == versions


def test_case_workflow_fields_cannot_be_edited_in_the_admin(client, admin_world):
    users, rows = admin_world
    case = rows["in"]["cases.case"]
    supervisor = users["supervisor"]
    supervisor.user_permissions.add(Permission.objects.get(codename="change_case"))
    client.force_login(get_user_model().objects.get(pk=supervisor.pk))
    url = reverse("admin:cases_case_change", args=[case.pk])
    page = client.get(url).content.decode()
    for field in ("stage", "status", "outcome", "region", "priority"):
        assert f'name="{field}"' not in page, field
    response = client.post(
        url, {"stage": "closed", "status": "closed", "outcome": "served", "region": "19.04"}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert (case.stage, case.status, case.outcome) == ("referral", "open", "")


def test_access_log_admin_shows_only_entries_about_the_supervisors_cases(client, admin_world):
    users, rows = admin_world
    client.force_login(users["supervisor"])
    body = client.get(reverse("admin:cases_accesslog_changelist")).content.decode()
    ours = reverse("admin:cases_accesslog_change", args=[rows["in"]["cases.accesslog"].pk])
    theirs = reverse("admin:cases_accesslog_change", args=[rows["out"]["cases.accesslog"].pk])
    assert ours in body
    assert theirs not in body
    assert rows["out"]["cases.case"].number not in body


def test_admin_does_not_search_by_nik(client, admin_world):
    """A NIK in the admin's search box would travel in the URL: it finds nothing."""
    users, _rows = admin_world
    client.force_login(users["supervisor"])
    response = client.get(reverse("admin:cases_person_changelist"), {"q": NIK_CORRECTED})
    assert response.status_code == 200
    assert "Budi Santoso" not in response.content.decode()


def test_agency_staff_read_their_referral_but_not_the_whole_case_in_the_admin(
    client, admin_world, staff
):
    """Agency staff see only what their referral needs, in the admin as on the pages."""
    _users, rows = admin_world
    dinkes = staff["dinkes"]
    dinkes.is_staff = True
    dinkes.save()
    _grant_view(dinkes)
    client.force_login(get_user_model().objects.get(pk=dinkes.pk))
    referral = rows["in"]["referrals.referral"]
    url = reverse("admin:referrals_referral_change", args=[referral.pk])
    assert client.get(url).status_code == 200
    for label in ("cases.case", "cases.homevisit", "cases.note", "cases.person"):
        app, name = label.split(".")
        url = reverse(f"admin:{app}_{name}_change", args=[rows["in"][label].pk])
        assert client.get(url).status_code == 404, label


def test_models_without_history_rows_have_no_history_entry_page():
    for label in ("workflows.notification", "cases.accesslog"):
        app, name = label.split(".")
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:{app}_{name}_simple_history", args=[1, 1])
