"""Doing tasks from the case page, the inbox and the notification bell."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import HomeVisit
from tests.conftest import intake, notice, open_kinds, open_task, person
from workflows import services as wf
from workflows.models import Notification, WorkItem
from workflows.notifications import send_pending_emails


@pytest.fixture
def case(staff):
    return intake(staff["petugas"]).case


def test_social_worker_claims_and_completes_a_visit_from_the_case_page(client, staff, case):
    client.force_login(staff["peksos"])
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert "Ambil tugas" in page and "Hasil kunjungan" in page
    task = open_task(case, "verification")
    client.post(reverse("task_claim", args=[task.pk]))
    response = client.post(
        reverse("task_complete", args=[task.pk]),
        {
            f"t{task.pk}-visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            f"t{task.pk}-findings": "Rumah papan, atap bocor.",
            f"t{task.pk}-recommendation": "eligible",
        },
    )
    assert response.status_code == 302
    assert HomeVisit.objects.get(case=case).visited_by == staff["peksos"]
    assert open_kinds(case) == ["assessment"]


def test_service_errors_show_next_to_the_field_and_keep_the_task_open(client, staff, case):
    client.force_login(staff["peksos"])
    task = open_task(case, "verification")
    response = client.post(
        reverse("task_complete", args=[task.pk]),
        {f"t{task.pk}-findings": "", f"t{task.pk}-recommendation": "eligible"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Waktu kunjungan wajib diisi." in body and "Hasil kunjungan wajib diisi." in body
    assert open_kinds(case) == ["verification"]


def test_claimed_task_shows_who_holds_it_to_colleagues(client, staff, case):
    task = open_task(case, "verification")
    wf.claim_task(actor=staff["peksos"], task_id=task.pk)
    client.force_login(staff["peksos2"])
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert "Dipegang oleh peksos" in page and "Ambil tugas" not in page
    response = client.post(reverse("task_claim", args=[task.pk]), follow=True)
    assert "Tugas sudah diambil oleh peksos." in response.content.decode()


def test_supervisor_reassigns_from_the_case_page(client, staff, case):
    task = open_task(case, "verification")
    wf.claim_task(actor=staff["peksos"], task_id=task.pk)
    client.force_login(staff["manajer"])
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert "Alihkan" in page
    client.post(reverse("task_assign", args=[task.pk]), {"assignee": staff["peksos2"].pk})
    assert WorkItem.objects.get(pk=task.pk).task.owner == staff["peksos2"]


def test_other_regency_gets_404_on_task_actions(client, staff, case):
    task = open_task(case, "verification")
    client.force_login(staff["petugas_bks"])
    assert client.post(reverse("task_claim", args=[task.pk])).status_code == 404
    assert client.post(reverse("task_complete", args=[task.pk])).status_code == 404


def _open_cases(actor, n):
    for i in range(n):
        intake(
            actor,
            applicant=person(
                nik=f"19040112088{i:05d}", birth_date=dt.date(1988, 8, 12), full_name=f"Warga {i}"
            ),
        )


def test_inbox_lists_my_queue_with_a_constant_query_count(client, staff):
    client.force_login(staff["peksos"])
    _open_cases(staff["petugas"], 2)
    with CaptureQueriesContext(connection) as small:
        body = client.get(reverse("inbox")).content.decode()
    assert body.count("Verifikasi (kunjungan rumah)") == 2
    _open_cases(staff["petugas"], 30)
    with CaptureQueriesContext(connection) as large:
        body = client.get(reverse("inbox")).content.decode()
    assert len(small) == len(large)
    assert "Halaman 1 dari 2" in body
    client.force_login(staff["dinkes"])
    assert "Tidak ada tugas" in client.get(reverse("inbox")).content.decode()


def test_inbox_takes_exactly_six_or_seven_queries(client, staff, django_assert_num_queries):
    """The inbox's query count, pinned (Zulip's ``assert_database_query_count`` habit), the
    same on SQLite and PostgreSQL. For a social worker, six:

    1. the session; 2. the signed-in user; 3. the user's memberships with their agency,
    office and area (once per request, ``config.middleware.MembershipCacheMiddleware``);
    4. the paginator's COUNT of the actionable tasks; 5. the bell's unread notifications
    (``workflows.context_processors``); 6. the page's tasks, with task, holder, case,
    beneficiary, region, referral, service and agency joined in
    (``workflows.selectors.actionable_tasks``).

    The back office decides move requests, so theirs has a seventh, between 4 and 5: the
    pending moves to decide, total and overdue in one aggregate. (A user who decides none
    asks nothing: the filter is empty and Django answers it without the database.)
    """
    cases = [
        intake(staff["petugas"], applicant=person(nik=f"19040112088{i:05d}")).case for i in range(3)
    ]
    client.force_login(staff["peksos"])
    with django_assert_num_queries(6):
        body = client.get(reverse("inbox")).content.decode()
    assert body.count("Verifikasi (kunjungan rumah)") == 3
    assert all(case.number in body for case in cases)
    for case in cases:
        wf.complete_verification(
            actor=staff["peksos"],
            task_id=open_task(case, "verification").pk,
            visited_at=timezone.now(),
            findings="ok",
            recommendation="eligible",
        )
    client.force_login(staff["backoffice"])
    with django_assert_num_queries(7):
        body = client.get(reverse("inbox")).content.decode()
    assert all(case.number in body for case in cases)
    assert "Verifikasi (kunjungan rumah)" not in body


def _referred_case(staff, nik, services):
    case = intake(staff["petugas"], applicant=person(nik=nik)).case
    wf.complete_verification(
        actor=staff["peksos"],
        task_id=open_task(case, "verification").pk,
        visited_at=timezone.now(),
        findings="ok",
        recommendation="eligible",
    )
    wf.complete_assessment(
        actor=staff["backoffice"],
        task_id=open_task(case, "assessment").pk,
        resolution="refer",
        referrals=[{"service": code} for code in services],
    )
    return case


def test_case_page_query_count_does_not_grow_with_its_tasks(client, staff):
    one = _referred_case(staff, "1904011208850001", ["pbi-jk"])
    three = _referred_case(staff, "1904011208850002", ["pbi-jk", "jamkesda", "atensi"])
    client.force_login(staff["manajer"])
    counts = []
    for case in (one, three):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("case_detail", args=[case.number])).status_code == 200
        counts.append(len(queries))
    assert WorkItem.objects.open().filter(case=three, kind="referral_review").count() == 3
    assert counts[0] == counts[1]


def test_notification_bell_counts_and_reading_opens_the_case(client, staff, case):
    notice([staff["peksos"]], case.number, case=case)
    client.force_login(staff["peksos"])
    page = client.get(reverse("notification_list")).content.decode()
    assert f"kasus {case.number} terlambat (tenggat 13 Mei 2026 10:00)" in page
    assert "belum dibaca" in page
    sent = Notification.objects.get()
    response = client.post(reverse("notification_read", args=[sent.pk]))
    assert response["Location"] == reverse("case_detail", args=[case.number])
    sent.refresh_from_db()
    assert sent.read_at is not None
    client.force_login(staff["peksos2"])
    assert client.post(reverse("notification_read", args=[sent.pk])).status_code == 404


def test_a_notice_reads_in_the_readers_language(client, staff, case):
    """Stored as a message key with parameters: written once, read by an Indonesian and an
    English reader each in their own language, on the page, the API and by e-mail."""
    notice([staff["peksos"], staff["peksos2"]], case.number, case=case)
    client.force_login(staff["peksos2"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("notification_list")).content.decode()
    assert (
        f"Verification (home visit) task for case {case.number} is overdue "
        "(due 13 May 2026 10:00)." in page
    )
    indonesian = Client()
    indonesian.force_login(staff["peksos"])
    page = indonesian.get(reverse("notification_list")).content.decode()
    assert f"Tugas Verifikasi (kunjungan rumah) kasus {case.number} terlambat" in page
    # By e-mail, each in the language their account keeps.
    for user in (staff["peksos"], staff["peksos2"]):
        user.email = f"{user.username}@simpul.example"
        user.save(update_fields=["email"])
    assert send_pending_emails() == 2
    subjects = {m.to[0].split("@")[0]: m.subject for m in mail.outbox}
    assert subjects["peksos2"].startswith("[Simpul] Verification (home visit) task for case")
    assert subjects["peksos"].startswith("[Simpul] Tugas Verifikasi (kunjungan rumah) kasus")


# A one-pixel PNG: uploads are decoded (cases.attachments), so it must be a real image.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415478da63f8ffff3f0005fe02fe331295140000000049454e44ae"
    "426082"
)


def test_visit_photos_are_stored_and_served_only_to_the_case_team(
    client, staff, case, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.models import Attachment

    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff["peksos"])
    task = open_task(case, "verification")
    data = {
        f"t{task.pk}-visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        f"t{task.pk}-findings": "Rumah papan.",
        f"t{task.pk}-recommendation": "eligible",
    }
    bad = client.post(
        reverse("task_complete", args=[task.pk]),
        {**data, f"t{task.pk}-photos": [SimpleUploadedFile("catatan.txt", b"hello")]},
    )
    assert bad.status_code == 400
    assert "bukan foto" in bad.content.decode()
    ok = client.post(
        reverse("task_complete", args=[task.pk]),
        {
            **data,
            f"t{task.pk}-photos": [
                SimpleUploadedFile("rumah 1904011208850001.png", PNG, "image/png"),
                SimpleUploadedFile("dapur.png", PNG, "image/png"),
            ],
        },
    )
    assert ok.status_code == 302
    photos = list(Attachment.objects.filter(case=case, kind="visit_photo"))
    assert len(photos) == 2
    assert "1904011208850001" not in photos[0].file.name  # stored under a random name
    url = reverse("attachment_download", args=[photos[0].pk])
    assert client.get(url).status_code == 200
    client.force_login(staff["petugas_bks"])
    assert client.get(url).status_code == 404


def test_supervisor_dashboard_shows_overdue_work_and_reassigns(client, staff):
    from tests.conftest import open_task as task_of

    cases = [
        intake(staff["petugas"], applicant=person(nik=f"19040112088{i:05d}")).case for i in range(2)
    ]
    for case in cases:
        WorkItem.objects.filter(pk=task_of(case, "verification").pk).update(
            due_at=timezone.now() - dt.timedelta(days=3)
        )
    client.force_login(staff["manajer"])
    with CaptureQueriesContext(connection) as small:
        page = client.get(reverse("dashboard")).content.decode()
    assert "Tugas terlambat" in page and cases[0].number in page
    assert "peksos2" in page or "peksos" in page  # an eligible officer to hand it to
    for i in range(2, 12):
        case = intake(staff["petugas"], applicant=person(nik=f"19040112088{i:05d}")).case
        WorkItem.objects.filter(pk=task_of(case, "verification").pk).update(
            due_at=timezone.now() - dt.timedelta(days=3)
        )
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("dashboard"))
    assert len(small) == len(large)
    task = task_of(cases[0], "verification")
    client.post(reverse("task_assign", args=[task.pk]), {"assignee": staff["peksos2"].pk})
    assert WorkItem.objects.get(pk=task.pk).task.owner == staff["peksos2"]
    # Another regency's supervisor scope is empty.
    client.force_login(staff["petugas_bks"])
    assert cases[0].number not in client.get(reverse("dashboard")).content.decode()


def test_dashboard_takes_exactly_sixteen_queries(client, staff, django_assert_num_queries):
    """The supervisor dashboard's query count, pinned (Zulip's ``assert_database_query_count``
    habit), the same on SQLite and PostgreSQL, with overdue tasks to show (without any,
    query 15 is skipped):

    1. the session; 2. the signed-in user; 3. the user's memberships with their agency,
    office and area (once per request, ``config.middleware.MembershipCacheMiddleware``);
    the region chooser (``workflows.report_forms.area_choices``): 4. the areas' names;
    5. the offices inside them; ``workflows.dashboard.dashboard_figures``: 6. cases by stage
    with those overdue and at risk; 7. cases opened per week; 8. cases closed per week;
    9. cases with overdue and at-risk tasks by agency; 10. the same by district; 11. opening
    and closing times of the cases closed (the median days to close); ``workflows.kpis``:
    12. the referrals' answer and delivery times; 13. the agencies' counts;
    ``workflows.selectors.overdue_for_supervisor``: 14. the overdue tasks with holder, case,
    agency and district joined in; 15. the officers they could be handed to, in one query;
    16. the bell's unread notifications (``workflows.context_processors``).
    """
    from tests.conftest import referred_case

    cases = [
        intake(staff["petugas"], applicant=person(nik=f"19040112088{i:05d}")).case for i in range(3)
    ]
    for case in cases:
        WorkItem.objects.filter(pk=open_task(case, "verification").pk).update(
            due_at=timezone.now() - dt.timedelta(days=3)
        )
    referred_case(staff, nik="1904011208800010", services=["pbi-jk"])
    client.force_login(staff["manajer"])
    with django_assert_num_queries(16):
        body = client.get(reverse("dashboard")).content.decode()
    assert "Tugas terlambat" in body and all(case.number in body for case in cases)
    assert "Dinas Kesehatan Bangka Tengah" in body
