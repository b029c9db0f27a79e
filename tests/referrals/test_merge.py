"""Duplicate records (issue 14): found at intake and by the village scan, listed for the
back office, marked "not the same" or merged into one record with everything moved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role
from cases.models import (
    AccessLog,
    Case,
    DuplicatePair,
    DuplicateStatus,
    LifeStatus,
    MoveRequest,
    Person,
)
from cases.selectors import person_by_nik
from cases.services.duplicates import mark_not_same, scan_duplicates
from core.errors import Conflict, IntakeError, NeedsConfirmation, NotAllowed
from referrals.merge import merge_people
from referrals.models import Delivery, Referral
from tests.conftest import (
    AIR_MESU,
    NIBUNG,
    NIK_MALE,
    intake,
    make_user,
    open_task,
    person,
)
from workflows import services as wf

NO_NIK = {"nik": "", "no_nik_reason": "KTP hilang, belum diurus."}


def delivered(staff, *, service: str = "pbi-jk", **applicant) -> Case:
    """A case referred, approved and delivered to its beneficiary (health coverage)."""
    case = intake(staff["petugas"], applicant=person(**applicant), requested_services=[service])
    case = case.case
    from workflows import services as wf_services

    wf_services.complete_verification(
        actor=staff["peksos"],
        task_id=open_task(case, "verification").pk,
        visited_at=timezone.now(),
        findings="Rumah papan.",
        recommendation="eligible",
    )
    wf_services.complete_assessment(
        actor=staff["backoffice"],
        task_id=open_task(case, "assessment").pk,
        resolution="refer",
        referrals=[{"service": service, "note": "Segera."}],
    )
    wf.review_referral(
        actor=staff["dinkes"], task_id=open_task(case, "referral_review").pk, decision="accept"
    )
    wf.decide_approval(
        actor=staff["kadinkes"], task_id=open_task(case, "approval").pk, decision="approve"
    )
    wf.record_delivery(
        actor=staff["dinkes"],
        task_id=open_task(case, "delivery").pk,
        delivered_at=timezone.now(),
        channel="service",
        items="Kepesertaan jaminan kesehatan aktif",
    )
    return case


@pytest.fixture
def pair(staff) -> DuplicatePair:
    """Budi Santoso registered with his NIK, then again without it (same village, same
    birth date, the name with the old spelling): the officer confirmed a new person."""
    intake(staff["petugas"])
    intake(
        staff["petugas"],
        applicant=person(full_name="Boedi Santoso", **NO_NIK),
        requested_services=["jamkesda"],
    )
    return DuplicatePair.objects.get()


def test_a_person_registered_despite_a_look_alike_goes_on_the_worklist(pair):
    assert pair.status == DuplicateStatus.OPEN
    assert {pair.person_a.full_name, pair.person_b.full_name} == {"Budi Santoso", "Boedi Santoso"}
    assert pair.reason == "same_birth_date" and pair.score == 100
    assert pair.region_id == NIBUNG


def test_the_village_scan_finds_pairs_registered_before_and_skips_known_ones(staff, pair):
    pair.delete()
    Person.objects.create(
        full_name="Moh. Jusuf",
        no_nik_reason="Belum punya KTP",
        sex="M",
        region_id=NIBUNG,
        birth_date=dt.date(1970, 1, 1),
    )
    Person.objects.create(
        full_name="Muhammad Yusuf",
        no_nik_reason="Belum punya KTP",
        sex="M",
        region_id=NIBUNG,
        birth_date=dt.date(1970, 1, 1),
    )
    Person.objects.create(full_name="Yusuf Muhamad", sex="M", region_id=AIR_MESU, nik=None,
                          no_nik_reason="x")  # fmt: skip

    assert scan_duplicates("19.04") == 2  # Budi / Boedi and Jusuf / Yusuf; not across villages
    assert scan_duplicates("19.04") == 0
    names = {
        frozenset((p.person_a.full_name, p.person_b.full_name)) for p in DuplicatePair.objects.all()
    }
    assert names == {
        frozenset(("Budi Santoso", "Boedi Santoso")),
        frozenset(("Moh. Jusuf", "Muhammad Yusuf")),
    }


def test_a_pair_marked_not_the_same_is_not_asked_again(staff, pair):
    mark_not_same(actor=staff["backoffice"], pair_id=pair.pk, reason="Kembar, orang tua sama.")

    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.NOT_SAME and pair.decided_by == staff["backoffice"]
    assert pair.history.first().history_change_reason == "Kembar, orang tua sama."
    assert scan_duplicates(NIBUNG) == 0
    with pytest.raises(Conflict):
        mark_not_same(actor=staff["manajer"], pair_id=pair.pk, reason="lagi")


def test_merge_moves_cases_referrals_and_nik_and_leaves_a_tombstone(staff, pair):
    kept = Person.objects.get(full_name="Boedi Santoso")  # the one without NIK stays
    gone = Person.objects.get(full_name="Budi Santoso")
    gone_cases = set(Case.objects.filter(beneficiary=gone))

    survivor, warnings = merge_people(
        actor=staff["backoffice"],
        pair_id=pair.pk,
        survivor_id=kept.pk,
        reason="Orang yang sama, dicek dengan KK.",
    )

    gone.refresh_from_db()
    assert survivor.pk == kept.pk and warnings == []
    assert gone.merged_into == survivor and gone.life_status == LifeStatus.MERGED
    assert set(Case.objects.filter(beneficiary=survivor)) >= gone_cases
    assert not Case.objects.filter(applicant=gone).exists()
    # The survivor takes the NIK it lacked; a lookup of the NIK finds it.
    assert survivor.nik == NIK_MALE and gone.nik is None
    assert person_by_nik(NIK_MALE) == survivor
    assert survivor.phone == "081234567890"
    # Both histories stay readable, naming who and why.
    assert gone.history.first().history_user == staff["backoffice"]
    assert "Orang yang sama" in survivor.history.first().history_change_reason
    case = gone_cases.pop()
    assert "Penggabungan data ganda" in case.history.first().history_change_reason
    assert set(
        AccessLog.objects.filter(action="merge_people").values_list("person_id", flat=True)
    ) == {kept.pk, gone.pk}
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.MERGED


def test_a_nik_lookup_of_a_tombstone_keeping_its_own_nik_finds_the_survivor(staff):
    intake(staff["petugas"])
    intake(
        staff["petugas"],
        applicant=person(full_name="Budi Santosa", nik="1904011208850009"),
        requested_services=["jamkesda"],
    )
    pair = DuplicatePair.objects.get()
    kept = Person.objects.get(nik_index__isnull=False, full_name="Budi Santoso")
    merge_people(
        actor=staff["manajer"],
        pair_id=pair.pk,
        survivor_id=kept.pk,
        reason="Sama.",
        confirm_different_nik=True,
    )

    assert person_by_nik("1904011208850009") == kept
    # Intake with the tombstone's NIK opens the case for the survivor.
    case = intake(
        staff["petugas"],
        applicant=person(full_name="Budi Santosa", nik="1904011208850009"),
        requested_services=["atensi"],
    ).case
    assert case.beneficiary == kept


def test_merging_aid_of_one_type_in_one_period_shows_the_double_aid_first(staff):
    first = delivered(staff)
    second = delivered(staff, service="jamkesda", full_name="Boedi Santoso", **NO_NIK)
    pair = DuplicatePair.objects.get()
    kept, gone = first.beneficiary, second.beneficiary

    with pytest.raises(NeedsConfirmation) as asked:
        merge_people(actor=staff["backoffice"], pair_id=pair.pk, survivor_id=kept.pk, reason="Sama")

    [conflict] = asked.value.double_aid
    assert conflict["aid_type"] == "jaminan-kesehatan"
    assert conflict["agencies"] == ["Dinas Kesehatan Bangka Tengah"] * 2
    assert Delivery.objects.filter(person=gone).count() == 1  # nothing moved yet

    merge_people(
        actor=staff["backoffice"],
        pair_id=pair.pk,
        survivor_id=kept.pk,
        reason="Sama",
        confirm_double_aid=True,
    )
    deliveries = Delivery.objects.filter(person=kept).order_by("delivered_at")
    assert deliveries.count() == 2
    assert deliveries[1].double_aid_override_reason.startswith("Bantuan ganda ditemukan")
    assert Referral.objects.filter(beneficiary=gone).count() == 0


def test_a_merge_refuses_a_record_with_a_pending_move_request(staff, pair):
    gone = Person.objects.get(full_name="Boedi Santoso")
    MoveRequest.objects.create(
        person=gone,
        from_region_id=NIBUNG,
        to_region_id=AIR_MESU,
        requested_by=staff["petugas"],
        reason="Pindah ke rumah anak.",
        requested_at=timezone.now(),
        due_at=timezone.now(),
    )
    kept = Person.objects.get(full_name="Budi Santoso")
    with pytest.raises(Conflict):
        merge_people(actor=staff["backoffice"], pair_id=pair.pk, survivor_id=kept.pk, reason="x")
    assert not Person.objects.filter(merged_into__isnull=False).exists()


def test_merge_needs_a_reason_and_one_of_the_two_as_survivor(staff, pair):
    with pytest.raises(IntakeError) as refused:
        merge_people(actor=staff["backoffice"], pair_id=pair.pk, survivor_id=0, reason=" ")
    assert set(refused.value.field_errors) == {"survivor", "decision_reason"}


@pytest.mark.parametrize("who", ["petugas", "peksos", "dinkes", "kadinkes", "petugas_bks"])
def test_only_the_areas_back_office_and_supervisors_decide_duplicates(staff, pair, who):
    with pytest.raises(DuplicatePair.DoesNotExist):
        mark_not_same(actor=staff[who], pair_id=pair.pk, reason="x")
    with pytest.raises(DuplicatePair.DoesNotExist):
        merge_people(actor=staff[who], pair_id=pair.pk, survivor_id=pair.person_a_id, reason="x")


def test_a_back_office_of_a_district_does_not_see_a_pair_whose_person_moved_out(
    staff, offices, pair
):
    district = make_user("bo.koba", Role.BACK_OFFICE, "19.04.01", office=offices["slrt"])
    gone = pair.person_b
    gone.region_id = AIR_MESU  # moved to another district since the pair was found
    gone.save()
    with pytest.raises(DuplicatePair.DoesNotExist):  # out of their scope now: as for none
        merge_people(actor=district, pair_id=pair.pk, survivor_id=pair.person_a_id, reason="x")


# The pages


def test_the_worklist_lists_the_areas_open_pairs_only(client, staff, offices, pair):
    client.force_login(staff["backoffice"])
    page = client.get(reverse("duplicate_list"))
    assert page.status_code == 200
    assert "Boedi Santoso" in page.content.decode() and "Skor kemiripan" in page.content.decode()
    assert NIK_MALE not in page.content.decode()

    for who in ("petugas", "dinkes", "petugas_bks", "peksos"):
        client.force_login(staff[who])
        assert client.get(reverse("duplicate_list")).status_code == 404
        assert client.get(reverse("duplicate_detail", args=[pair.pk])).status_code == 404
    bks = make_user("bo.bks", Role.BACK_OFFICE, "14.03", office=offices["slrt_bks"])
    client.force_login(bks)
    assert "Boedi" not in client.get(reverse("duplicate_list")).content.decode()
    assert client.get(reverse("duplicate_detail", args=[pair.pk])).status_code == 404


def _pairs(n: int) -> None:
    for i in range(n):
        a = Person.objects.create(
            full_name=f"Warga {i}", sex="M", region_id=NIBUNG, no_nik_reason="x"
        )
        b = Person.objects.create(
            full_name=f"Warga {i}", sex="M", region_id=NIBUNG, no_nik_reason="x"
        )
        DuplicatePair.objects.create(
            person_a=a, person_b=b, region_id=NIBUNG, score=100, reason="close_name"
        )


def test_the_worklist_takes_the_same_queries_for_3_and_30_pairs(client, staff):
    client.force_login(staff["backoffice"])
    counts = []
    for n in (3, 27):
        _pairs(n)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("duplicate_list")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_merging_on_the_page_asks_about_double_aid_then_opens_the_survivor(client, staff):
    first = delivered(staff)
    delivered(staff, service="jamkesda", full_name="Boedi Santoso", **NO_NIK)
    pair = DuplicatePair.objects.get()
    client.force_login(staff["backoffice"])

    page = client.get(reverse("duplicate_detail", args=[pair.pk]))
    assert "Bantuan ganda bila digabung" in page.content.decode()
    form = {
        "survivor": first.beneficiary_id,
        "decision_reason": "Orang yang sama.",
        "records": f"{pair.person_a_id},{pair.person_b_id}",
    }
    asked = client.post(reverse("duplicate_merge", args=[pair.pk]), form)
    assert asked.status_code == 409
    assert "konfirmasi untuk tetap menggabungkan" in asked.content.decode()

    done = client.post(
        reverse("duplicate_merge", args=[pair.pk]), {**form, "confirm_double_aid": "on"}
    )
    assert done.status_code == 302
    survivor_page = client.get(done.url)
    assert "Bantuan ganda" in survivor_page.content.decode()
    assert "Boedi Santoso" in survivor_page.content.decode()  # the merged record, listed


def test_not_the_same_on_the_page_needs_a_reason(client, staff, pair):
    client.force_login(staff["manajer"])
    url = reverse("duplicate_not_same", args=[pair.pk])
    records = f"{pair.person_a_id},{pair.person_b_id}"
    assert client.post(url, {"decision_reason": "", "records": records}).status_code == 400
    done = client.post(url, {"decision_reason": "Orang tua berbeda.", "records": records})
    assert done.status_code == 302
    assert client.post(url, {"decision_reason": "lagi", "records": records}).status_code == 409


def test_a_tombstone_is_corrected_by_no_one_and_merged_is_not_a_life_event(staff, pair):
    from cases.services.corrections import record_life_event

    kept, gone = pair.person_a, pair.person_b
    merge_people(actor=staff["backoffice"], pair_id=pair.pk, survivor_id=kept.pk, reason="Sama")
    with pytest.raises(NotAllowed):
        record_life_event(
            actor=staff["backoffice"], person_id=gone.pk, status="active", on=None, source="x"
        )
    with pytest.raises(IntakeError) as refused:
        record_life_event(
            actor=staff["backoffice"], person_id=kept.pk, status="merged", on=None, source="x"
        )
    assert "life_status" in refused.value.field_errors


def test_the_survivors_data_export_includes_the_record_merged_into_it(client, staff, pair):
    kept, gone = pair.person_a, pair.person_b
    merge_people(actor=staff["backoffice"], pair_id=pair.pk, survivor_id=kept.pk, reason="Sama")
    client.force_login(staff["manajer"])

    export = client.post(reverse("person_export", args=[kept.pk])).json()

    assert [record["full_name"] for record in export["merged_records"]] == [gone.full_name]
    assert {"merge_people"} <= {access["action"] for access in export["accesses"]}
