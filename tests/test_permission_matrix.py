"""Who sees what: every role against every page, on a case of their own, one in another
village, one referred to another agency, and one in another regency.

Out of scope answers 404 everywhere (existence does not leak); in scope but not allowed to
act answers 403 (or a refusal message on a page that redirects).
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from tests.conftest import AIR_MESU, KOTA_BENGKALIS, api_token, intake, open_task, person
from workflows import services as wf

ROLES = [
    "petugas",
    "peksos",
    "backoffice",
    "manajer",
    "dinkes",
    "kadinkes",
    "dinsos",
    "petugas_bks",
    "admin",
]

# Cases: "own" in Desa Nibung (Kec. Koba) referred to Dinas Kesehatan; "other_village" in
# Air Mesu (Kec. Pangkalan Baru) referred to Dinas Sosial; "other_regency" in Bengkalis.
SEES = {
    "petugas": {"own"},
    "peksos": {"own"},
    "backoffice": {"own", "other_village"},
    "manajer": {"own", "other_village"},
    "dinkes": {"own"},
    "kadinkes": {"own"},
    "dinsos": {"other_village"},
    "petugas_bks": {"other_regency"},
    "admin": set(),
}
# Who sees the beneficiary's person page: the case team, never an agency.
SEES_PERSON = {
    "petugas": {"own"},
    "peksos": {"own"},
    "backoffice": {"own", "other_village"},
    "manajer": {"own", "other_village"},
    "petugas_bks": {"other_regency"},
}
# The open task on "own" and "other_village" is a referral review of the receiving agency.
CAN_CLAIM = {("dinkes", "own"), ("kadinkes", "own"), ("dinsos", "other_village")}


def _refer(staff, case, service, social_worker="peksos"):
    wf.complete_verification(
        actor=staff[social_worker],
        task_id=open_task(case, "verification").pk,
        visited_at=timezone.now(),
        findings="ok",
        recommendation="eligible",
    )
    wf.complete_assessment(
        actor=staff["backoffice"],
        task_id=open_task(case, "assessment").pk,
        resolution="refer",
        referrals=[{"service": service}],
    )


@pytest.fixture
def world(staff):
    users = dict(staff)
    users["admin"] = get_user_model().objects.create_superuser("admin", password="x-admin")
    own = intake(staff["petugas"]).case
    _refer(staff, own, "pbi-jk")
    other_village = intake(
        staff["backoffice"],
        applicant=person(
            nik="1904025208900003", sex="F", full_name="Sri Wahyuni", region_code=AIR_MESU
        ),
    ).case
    _refer(staff, other_village, "atensi", social_worker="peksos2")
    other_regency = intake(
        staff["petugas_bks"], applicant=person(nik="1403011208850009", region_code=KOTA_BENGKALIS)
    ).case
    return users, {"own": own, "other_village": other_village, "other_regency": other_regency}


CELLS = [(role, obj) for role in ROLES for obj in ("own", "other_village", "other_regency")]


@pytest.mark.parametrize("role, obj", CELLS)
def test_case_pages(client, world, role, obj):
    users, cases = world
    case = cases[obj]
    client.force_login(users[role])
    visible = obj in SEES[role]

    detail = client.get(reverse("case_detail", args=[case.number]))
    assert detail.status_code == (200 if visible else 404)

    listing = client.get(reverse("home"), {"q": case.number}).content.decode()
    assert (reverse("case_detail", args=[case.number]) in listing) == visible

    reveal = client.post(reverse("case_reveal_nik", args=[case.number]))
    assert reveal.status_code == (200 if visible else 404)

    person_page = client.get(reverse("person_detail", args=[case.beneficiary_id]))
    assert person_page.status_code == (200 if obj in SEES_PERSON.get(role, set()) else 404)

    task = open_task(case, "verification" if obj == "other_regency" else "referral_review")
    claim = client.post(reverse("task_claim", args=[task.pk]), follow=True)
    if not visible:
        assert claim.status_code == 404
    elif (role, obj) in CAN_CLAIM:
        assert "Tugas diambil." in claim.content.decode()
    else:
        assert "bukan untuk peran atau wilayah Anda" in claim.content.decode()

    complete = client.post(reverse("task_complete", args=[task.pk]), {})
    assert (complete.status_code == 404) == (not visible)


@pytest.mark.parametrize("role", ROLES)
def test_inbox_shows_only_the_roles_own_queue(client, world, role):
    users, cases = world
    client.force_login(users[role])
    inbox = client.get(reverse("inbox")).content.decode()
    for obj, case in cases.items():
        expected = (role, obj) in CAN_CLAIM
        assert (reverse("case_detail", args=[case.number]) in inbox) == expected, (role, obj)


@pytest.mark.parametrize("role", ROLES)
def test_admin_changelists_are_scoped_too(client, world, role):
    users, cases = world
    user = users[role]
    user.is_staff = True
    user.save()
    client.force_login(user)
    response = client.get(reverse("admin:cases_case_changelist"))
    if response.status_code != 200:
        assert response.status_code in (302, 403)  # staff without the model permission
        return
    body = response.content.decode()
    for obj, case in cases.items():
        link = reverse("admin:cases_case_change", args=[case.pk])
        assert (link in body) == (obj in SEES[role]), (role, obj)


@pytest.mark.parametrize("role, obj", CELLS)
def test_api_endpoints(world, role, obj):
    """The same matrix through the API: scope decided by the same selectors."""
    from rest_framework.test import APIClient

    users, cases = world
    case = cases[obj]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(users[role])}")
    visible = obj in SEES[role]

    assert client.get(f"/api/v1/cases/{case.number}/").status_code == (200 if visible else 404)
    timeline = client.get(f"/api/v1/cases/{case.number}/timeline/")
    assert timeline.status_code == (200 if visible else 404)
    listed = client.get("/api/v1/cases/", {"q": case.number}).json()["results"]
    assert bool(listed) == visible

    task = open_task(case, "verification" if obj == "other_regency" else "referral_review")
    claim = client.post(f"/api/v1/tasks/{task.pk}/claim/")
    if not visible:
        assert claim.status_code == 404
    elif (role, obj) in CAN_CLAIM:
        assert claim.status_code == 200
    else:
        assert claim.status_code == 403
    tasks = client.get("/api/v1/tasks/", {"case": case.number}).json()["results"]
    assert bool(tasks) == ((role, obj) in CAN_CLAIM)

    referrals = client.get("/api/v1/referrals/").json()["results"]
    own_referrals = [r for r in referrals if r["case"] == case.number]
    assert bool(own_referrals) == (visible and obj != "other_regency")
    patch = client.patch(f"/api/v1/cases/{case.number}/", {"priority": "high"}, format="json")
    if not visible:
        assert patch.status_code == 404
    elif role in ("dinkes", "kadinkes", "dinsos"):
        assert patch.status_code == 403  # agencies read what their referral needs, no edits
    else:
        assert patch.status_code == 428  # allowed, but must send If-Match
