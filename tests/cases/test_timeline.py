"""The case timeline: order, actors, field changes, NIK masking, query count, agency scope."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from agencies.services import system_user
from cases.models import Attachment, Case, FollowUp, HomeVisit, Note, Person
from cases.nik import mask_nik
from tests.conftest import NIK_MALE, intake, notice, open_task
from web.timeline import case_timeline
from workflows import services as wf
from workflows.models import WorkItem

T0 = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)  # a Monday, 08:00 in Bangka (WIB)
OTHER_NIK = "1904011208850009"


def at(hours: float):
    return time_machine.travel(T0 + dt.timedelta(hours=hours), tick=True)


def reload(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def review(staff, case, *, dinkes="accept", dinsos="reject"):
    """Each agency answers its own referral."""
    items = WorkItem.objects.open().filter(case=case, kind="referral_review")
    for item in items.select_related("referral__agency"):
        if item.referral.agency.code == "dinkes-bateng":
            wf.review_referral(actor=staff["dinkes"], task_id=item.pk, decision=dinkes)
        else:
            wf.review_referral(
                actor=staff["dinsos"], task_id=item.pk, decision=dinsos, reason="Sudah menerima."
            )


def run_to_referral(staff, services=("pbi-jk",)) -> Case:
    with at(0):
        case = intake(staff["petugas"]).case
    with at(1):
        wf.claim_task(actor=staff["peksos"], task_id=open_task(case, "verification").pk)
    with at(5):
        wf.complete_verification(
            actor=staff["peksos"],
            task_id=open_task(case, "verification").pk,
            visited_at=T0 + dt.timedelta(hours=4),
            findings="Rumah papan, atap bocor.",
            recommendation="eligible",
        )
    with at(6):
        wf.complete_assessment(
            actor=staff["backoffice"],
            task_id=open_task(case, "assessment").pk,
            resolution="refer",
            referrals=[{"service": s, "note": "Mohon diproses"} for s in services],
        )
    return case


def run_through_the_flow(staff, services=("pbi-jk",)) -> Case:
    case = run_to_referral(staff, services)
    with at(7):
        review(staff, case)
    with at(8):
        wf.decide_approval(
            actor=staff["kadinkes"], task_id=open_task(case, "approval").pk, decision="approve"
        )
    with at(9):
        wf.record_delivery(
            actor=staff["dinkes"],
            task_id=open_task(case, "delivery").pk,
            delivered_at=T0 + dt.timedelta(hours=8, minutes=30),
            channel="bank_transfer",
            amount="150000",
        )
    return case


def close(staff, case):
    with at(10):
        wf.complete_follow_up(
            actor=staff["peksos"],
            task_id=open_task(case, "follow_up").pk,
            contacted_at=T0 + dt.timedelta(hours=10),
            outcome="improved",
            note="Sudah berobat.",
        )
    with at(11):
        wf.complete_closure(
            actor=staff["manajer"], task_id=open_task(case, "closure").pk, decision="close"
        )


def texts(event) -> str:
    return " ".join([event.summary, event.detail, *(" ".join(c) for c in event.changes)])


def test_a_case_run_through_the_flow_reads_in_order_with_who_did_what(staff):
    case = run_through_the_flow(staff)
    close(staff, case)

    timeline = case_timeline(reload(case))

    assert [e.at for e in timeline] == sorted(e.at for e in timeline)
    key = {
        "opened",
        "task_claimed",
        "visit",
        "referral_sent",
        "referral_accepted",
        "referral_approved",
        "delivery",
        "follow_up",
        "case_closed",
    }
    steps = [(e.kind, e.actor.username) for e in timeline if e.kind in key]
    assert steps == [
        ("opened", "petugas"),
        ("task_claimed", "peksos"),
        ("visit", "peksos"),
        ("referral_sent", "backoffice"),
        ("referral_accepted", "dinkes"),
        ("referral_approved", "kadinkes"),
        ("delivery", "dinkes"),
        ("follow_up", "peksos"),
        ("case_closed", "manajer"),
    ]
    assert timeline[0].summary == "Kasus dibuka"
    done = [(e.summary, e.actor.username) for e in timeline if e.kind == "task_done"]
    assert done == [
        ("Tugas Verifikasi (kunjungan rumah) diselesaikan", "peksos"),
        ("Tugas Asesmen diselesaikan", "backoffice"),
        ("Tugas Tanggapan rujukan diselesaikan", "dinkes"),
        ("Tugas Persetujuan diselesaikan", "kadinkes"),
        ("Tugas Penyaluran diselesaikan", "dinkes"),
        ("Tugas Tindak lanjut diselesaikan", "peksos"),
        ("Tugas Penutupan diselesaikan", "manajer"),
    ]
    delivery = next(e for e in timeline if e.kind == "delivery")
    # Ordered by when it was recorded (hour 9), with the typed delivery time beside it.
    assert abs(delivery.at - (T0 + dt.timedelta(hours=9))) < dt.timedelta(seconds=1)
    assert delivery.occurred_at == T0 + dt.timedelta(hours=8, minutes=30)
    assert "Transfer bank" in delivery.detail and "Rp 150.000" in delivery.detail
    # The delivery event says it; the referral's "delivered" status is not repeated.
    assert not [e for e in timeline if e.kind == "referral_delivered"]
    closed = next(e for e in timeline if e.kind == "case_closed")
    assert ("Hasil", "—", "Terlayani") in closed.changes
    # Internal bookkeeping (process link, registry findings) never shows.
    assert not [c for e in timeline for c in e.changes if c[0] == "Hasil cek registri"]

    html = render_to_string("cases/_timeline.html", {"timeline": timeline})
    assert html.count("<li class=") == len(timeline)
    assert "Kasus dibuka" in html and "Terlayani" in html


def test_claim_and_reassignment_show_who_took_and_who_moved_the_task(staff):
    with at(0):
        case = intake(staff["petugas"]).case
    task = open_task(case, "verification")
    with at(1):
        wf.claim_task(actor=staff["peksos"], task_id=task.pk)
    with at(2):
        wf.assign_task(actor=staff["manajer"], task_id=task.pk, assignee=staff["peksos2"])

    events = [e for e in case_timeline(case) if e.kind.startswith("task_")]
    assert [(e.kind, e.actor.username, e.summary) for e in events] == [
        ("task_claimed", "peksos", "Tugas Verifikasi (kunjungan rumah) diambil oleh peksos"),
        (
            "task_reassigned",
            "manajer",
            "Tugas Verifikasi (kunjungan rumah) dialihkan dari peksos ke peksos2",
        ),
    ]


def test_field_changes_show_old_and_new_with_the_actor_and_never_a_clear_nik(staff):
    with at(0):
        case = intake(staff["petugas"]).case
    with at(1):
        case = reload(case)
        case.priority = "urgent"
        case._history_user = staff["manajer"]
        case.save()
    person = Person.objects.get(pk=case.beneficiary_id)
    with at(2):
        person.phone = "081399990000"
        person._history_user = staff["peksos"]
        person.save()
    with at(3):
        person.nik = OTHER_NIK
        person._history_user = staff["backoffice"]
        person.save()
    with at(4):
        case = reload(case)
        case._history_user = system_user()
        case.complaint_tier = "minor"
        case.save()

    timeline = case_timeline(reload(case))

    priority = next(e for e in timeline if ("Prioritas", "Normal", "Darurat") in e.changes)
    assert priority.kind == "case_changed" and priority.actor == staff["manajer"]
    assert priority.summary == "Data kasus diubah"
    phone = next(
        e for e in timeline if e.kind == "person_changed" and e.at < T0 + dt.timedelta(hours=3)
    )
    assert phone.changes == [("Telepon", "081234567890", "081399990000")]
    assert phone.actor == staff["peksos"]
    assert phone.summary == "Data pemohon/penerima manfaat diubah: Budi Santoso"
    nik = [e for e in timeline if e.kind == "person_changed"][-1]
    assert nik.actor == staff["backoffice"]
    assert nik.changes == [("NIK", mask_nik(NIK_MALE), mask_nik(OTHER_NIK))]
    by_system = timeline[-1]
    assert by_system.actor_name == "Sistem" and by_system.is_system

    html = render_to_string("cases/_timeline.html", {"timeline": timeline})
    for number in (NIK_MALE, OTHER_NIK):
        assert all(number not in texts(e) for e in timeline)
        assert number not in html
    assert mask_nik(OTHER_NIK) in html and "081399990000" in html
    assert "Sistem" in html and "manajer" in html


def test_person_changes_before_the_case_was_opened_are_not_the_cases(staff):
    with at(0):
        first = intake(staff["petugas"]).case
        person = Person.objects.get(pk=first.beneficiary_id)
    with at(1):
        person.phone = "081300000001"
        person.save()
    with at(2):
        second = intake(staff["petugas"]).case
    assert second.beneficiary_id == person.pk
    assert [e for e in case_timeline(first) if e.kind == "person_changed"]
    assert not [e for e in case_timeline(second) if e.kind == "person_changed"]


def grow(staff, case, n: int):
    """Pile ``n`` of every kind of thing onto ``case``."""
    for i in range(n):
        Note.objects.create(case=case, kind="note", text=f"Catatan {i}", author=staff["peksos"])
        notice([staff["peksos"], staff["dinkes"]], f"Pesan {i}", case=case)
        visit = HomeVisit.objects.create(
            case=case,
            visited_at=T0 + dt.timedelta(hours=9, minutes=i),
            findings=f"Kunjungan {i}",
            recommendation="eligible",
            visited_by=staff["peksos2"],
        )
        Attachment.objects.create(
            case=case,
            kind="visit_photo",
            file=f"attachments/{case.pk}/{i}.jpg",
            visit=visit,
            uploaded_by=staff["peksos2"],
        )
        Attachment.objects.create(
            case=case,
            kind="sktm",
            file=f"attachments/{case.pk}/{i}.pdf",
            uploaded_by=staff["petugas"],
        )
        FollowUp.objects.create(
            case=case,
            contacted_at=T0 + dt.timedelta(hours=10, minutes=i),
            outcome="unchanged",
            recorded_by=staff["peksos"],
        )
        fresh = reload(case)
        fresh.priority = "high" if i % 2 else "low"
        fresh._history_user = staff["manajer"]
        fresh.save()
        person = Person.objects.get(pk=case.beneficiary_id)
        person.phone = f"08130000{i:04d}"
        person._history_user = staff["peksos"]
        person.save()


def count_queries(case, viewer) -> tuple[int, int]:
    case = reload(case)
    with CaptureQueriesContext(connection) as queries:
        timeline = case_timeline(case, viewer=viewer)
        [(e.actor_name, e.summary, e.changes, e.detail) for e in timeline]
        render_to_string("cases/_timeline.html", {"timeline": timeline})
    return len(queries), len(timeline)


def test_the_number_of_queries_does_not_grow_with_the_case(staff):
    with at(0):
        short = intake(staff["petugas"]).case
    with at(0.5):
        Note.objects.create(case=short, kind="note", text="Satu", author=staff["peksos"])

    long = run_through_the_flow(staff, services=("pbi-jk", "atensi"))
    with at(9.5):
        grow(staff, long, 8)

    for viewer in (None, staff["peksos"], staff["dinkes"]):
        short_queries, short_events = count_queries(short, viewer)
        long_queries, long_events = count_queries(long, viewer)
        assert long_events > short_events
        assert short_queries == long_queries, viewer
    assert count_queries(long, None)[1] >= 50
    assert count_queries(long, None)[0] == 12
    assert count_queries(long, staff["dinkes"])[0] == 8


def test_agency_staff_see_their_referral_not_the_visit_notes_or_other_agencies(staff):
    case = run_to_referral(staff, services=("pbi-jk", "atensi"))
    with at(6.5):
        Note.objects.create(case=case, kind="note", text="Rahasia keluarga", author=staff["peksos"])
        notice([staff["peksos"]], "Untuk peksos", case=case)
        notice([staff["dinkes"]], "Untuk dinkes", case=case)
        person = Person.objects.get(pk=case.beneficiary_id)
        person.phone = "081311112222"
        person.save()
    with at(7):
        review(staff, case)

    dinkes = case_timeline(reload(case), viewer=staff["dinkes"])
    kinds = {e.kind for e in dinkes}
    assert {"opened", "referral_sent", "referral_accepted", "task_done", "notification"} <= kinds
    assert not kinds & {"visit", "note", "person_changed", "case_stage", "case_changed"}
    text = " ".join(texts(e) for e in dinkes)
    assert "Dinas Kesehatan" in text
    assert "Dinas Sosial" not in text and "ATENSI" not in text
    assert "Rahasia" not in text and "Untuk peksos" not in text and "Untuk dinkes" in text
    assert all(e.actor is None or e.actor.username != "dinsos" for e in dinkes)

    dinsos = case_timeline(reload(case), viewer=staff["dinsos"])
    rejected = [e for e in dinsos if e.kind == "referral_rejected"]
    assert [(e.actor.username, e.detail) for e in rejected] == [("dinsos", "Sudah menerima.")]
    assert "Dinas Kesehatan" not in " ".join(texts(e) for e in dinsos)

    # The case team sees all of it.
    whole = {e.kind for e in case_timeline(reload(case), viewer=staff["peksos"])}
    assert {"visit", "note", "person_changed", "referral_rejected", "referral_accepted"} <= whole


def test_empty_timeline_renders_the_empty_state():
    html = render_to_string("cases/_timeline.html", {"timeline": []})
    assert "Belum ada riwayat" in html and "<ol" not in html


def test_events_are_ordered_as_recorded_and_show_the_typed_time_beside(staff):
    """Issue 13, fault 5: a visit typed for the morning but entered in the afternoon came
    before what was recorded in between."""
    with at(0):
        case = intake(staff["petugas"]).case
    with at(2):
        wf.claim_task(actor=staff["peksos"], task_id=open_task(case, "verification").pk)
    with at(6):
        wf.complete_verification(
            actor=staff["peksos"],
            task_id=open_task(case, "verification").pk,
            visited_at=T0 + dt.timedelta(hours=1),  # typed: the morning's visit
            findings="Rumah papan, atap bocor.",
            recommendation="eligible",
        )
    timeline = case_timeline(reload(case))
    kinds = [e.kind for e in timeline if e.kind in {"opened", "task_claimed", "visit"}]
    assert kinds == ["opened", "task_claimed", "visit"]
    visit = next(e for e in timeline if e.kind == "visit")
    assert visit.occurred_at == T0 + dt.timedelta(hours=1) and visit.shows_occurred_at
    html = render_to_string("cases/_timeline.html", {"timeline": timeline})
    assert html.count("waktu kejadian") == 1  # the visit; the rest happened as recorded
