"""Duplicate records at their edges (issue 14, found by a review): long reasons, moves,
merge chains, two NIKs, stale pages, the later delivery marked, odd names, scope, and two
officers merging at once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.urls import reverse

from agencies.models import Office, Role
from cases.models import DuplicatePair, DuplicateStatus, Person
from cases.moves import decide_move, request_move
from cases.selectors import live_person, person_by_nik
from cases.services.duplicates import mark_not_same, scan_duplicates
from core.errors import DomainError, NeedsConfirmation
from referrals.merge import merge_people
from referrals.models import Delivery, Referral
from tests.conftest import (
    AIR_MESU,
    KOTA_BENGKALIS,
    NIBUNG,
    NIK_MALE,
    intake,
    make_user,
    open_task,
    person,
)
from tests.referrals.test_merge import NO_NIK, delivered
from tests.workflows.test_case_flow import refer, verify
from web.selectors import person_export
from workflows import services as wf


@pytest.fixture
def pair(staff) -> DuplicatePair:
    intake(staff["petugas"])
    intake(
        staff["petugas"],
        applicant=person(full_name="Boedi Santoso", **NO_NIK),
        requested_services=["jamkesda"],
    )
    return DuplicatePair.objects.get()


def test_a_reason_of_600_characters_is_kept_whole(client, staff, pair):
    reason = "Dicek dengan KK dan KTP di rumah. " * 18  # 612 characters, the limit is 1000
    client.force_login(staff["backoffice"])
    records = f"{pair.person_a_id},{pair.person_b_id}"
    answer = client.post(
        reverse("duplicate_not_same", args=[pair.pk]),
        {"decision_reason": reason, "records": records},
    )
    assert answer.status_code == 302
    pair.refresh_from_db()
    assert pair.decision_reason == reason.strip()


def test_a_recommendation_naming_the_merged_record_can_still_be_approved(staff):
    Office.objects.update(service_decision_step=True)
    intake(staff["petugas"])
    case = intake(
        staff["petugas"],
        applicant=person(full_name="Boedi Santoso", **NO_NIK),
        requested_services=["pbi-jk"],
    ).case
    verify(staff, case)
    refer(staff, case, "pbi-jk")
    pair = DuplicatePair.objects.get()
    kept = Person.objects.get(full_name="Budi Santoso")
    merge_people(actor=staff["backoffice"], pair_id=pair.pk, survivor_id=kept.pk, reason="Sama")

    wf.decide_services(
        actor=staff["manajer"], task_id=open_task(case, "service_decision").pk, decision="approve"
    )
    assert Referral.objects.get(case=case).beneficiary == kept


def test_a_pair_whose_person_moves_to_another_village_leaves_the_worklist(staff, pair):
    moved = Person.objects.get(full_name="Boedi Santoso")
    move = request_move(
        actor=staff["petugas_bks"],
        nik=NIK_MALE,
        region_code=KOTA_BENGKALIS,
        reason="Pindah ke rumah anak.",
    )
    decide_move(actor=staff["backoffice"], move_id=move.pk, decision="accept")

    assert not DuplicatePair.objects.filter(pk=pair.pk).exists()
    assert moved.pk  # the other record stays as it was, only the pair is gone


def test_a_pair_scoped_by_where_its_people_live_now(client, staff, offices, pair):
    district = make_user("bo.koba", Role.BACK_OFFICE, "19.04.01", office=offices["slrt"])
    Person.objects.filter(pk=pair.person_b_id).update(region_id=AIR_MESU, street="Jl. Baru 77")
    client.force_login(district)
    assert client.get(reverse("duplicate_detail", args=[pair.pk])).status_code == 404
    assert "Jl. Baru 77" not in client.get(reverse("duplicate_list")).content.decode()


def test_the_last_survivor_of_a_chain_exports_every_record_merged_into_it(staff):
    intake(staff["petugas"])  # A: Budi Santoso, with NIK
    intake(staff["petugas"], applicant=person(full_name="Boedi Santoso", **NO_NIK))  # B
    a = Person.objects.get(full_name="Budi Santoso")
    b = Person.objects.get(full_name="Boedi Santoso")
    first = DuplicatePair.objects.get()
    merge_people(actor=staff["backoffice"], pair_id=first.pk, survivor_id=b.pk, reason="Sama")
    intake(staff["petugas"], applicant=person(full_name="Budi Santosa", **NO_NIK))  # C
    c = Person.objects.get(full_name="Budi Santosa")
    second = DuplicatePair.objects.get(status=DuplicateStatus.OPEN)
    merge_people(actor=staff["backoffice"], pair_id=second.pk, survivor_id=c.pk, reason="Sama")

    a.refresh_from_db()
    assert live_person(a) == c and person_by_nik(NIK_MALE) == c
    names = {record["full_name"] for record in person_export(c)["merged_records"]}
    assert names == {"Budi Santoso", "Boedi Santoso"}


def test_two_different_niks_are_merged_only_once_confirmed(client, staff):
    intake(staff["petugas"])
    intake(
        staff["petugas"],
        applicant=person(full_name="Boedi Santoso", nik="1904011208850003"),
        requested_services=["jamkesda"],
    )
    pair = DuplicatePair.objects.get()
    kept = Person.objects.get(full_name="Budi Santoso")
    with pytest.raises(NeedsConfirmation) as asked:
        merge_people(actor=staff["backoffice"], pair_id=pair.pk, survivor_id=kept.pk, reason="x")
    assert asked.value.confirm == "confirm_different_nik"
    assert "1904011208850003" not in asked.value.message  # masked

    client.force_login(staff["backoffice"])
    url = reverse("duplicate_merge", args=[pair.pk])
    form = {
        "survivor": kept.pk,
        "decision_reason": "NIK kedua salah ketik.",
        "records": f"{pair.person_a_id},{pair.person_b_id}",
    }
    assert client.post(url, form).status_code == 409
    assert client.post(url, {**form, "confirm_different_nik": "on"}).status_code == 302
    assert person_by_nik("1904011208850003") == kept


def test_a_pair_changed_by_another_merge_is_not_decided_from_a_stale_page(client, staff):
    intake(staff["petugas"])  # A
    intake(staff["petugas"], applicant=person(full_name="Boedi Santoso", **NO_NIK))  # B
    a = Person.objects.get(full_name="Budi Santoso")
    b = Person.objects.get(full_name="Boedi Santoso")
    c = Person.objects.create(
        full_name="Boedi Santosa",
        sex="M",
        region_id=NIBUNG,
        no_nik_reason="x",
        birth_date=b.birth_date,
    )
    ab = DuplicatePair.objects.get()
    bc = DuplicatePair.objects.create(
        person_a=b, person_b=c, region_id=NIBUNG, score=95, reason="same_birth_date"
    )
    client.force_login(staff["manajer"])
    assert (
        "Budi Santoso" not in client.get(reverse("duplicate_detail", args=[bc.pk])).content.decode()
    )
    merge_people(actor=staff["backoffice"], pair_id=ab.pk, survivor_id=a.pk, reason="Sama")

    answer = client.post(
        reverse("duplicate_merge", args=[bc.pk]),
        {"survivor": c.pk, "decision_reason": "B dan C sama.", "records": f"{b.pk},{c.pk}"},
    )
    assert answer.status_code == 409
    assert "Muat ulang halaman" in answer.content.decode()
    a.refresh_from_db()
    assert a.merged_into_id is None


def test_the_later_of_two_double_aid_deliveries_is_the_one_marked(staff):
    delivered(staff)  # Budi, delivered first
    delivered(staff, service="jamkesda", full_name="Boedi Santoso", **NO_NIK)
    pair = DuplicatePair.objects.get()
    later = Person.objects.get(full_name="Boedi Santoso")
    merge_people(
        actor=staff["backoffice"],
        pair_id=pair.pk,
        survivor_id=later.pk,  # the earlier delivery's record is the one merged
        reason="Sama",
        confirm_double_aid=True,
    )
    deliveries = Delivery.objects.filter(person=later).order_by("delivered_at", "pk")
    assert [bool(d.double_aid_override_reason) for d in deliveries] == [False, True]


def test_the_scan_survives_odd_names(staff):
    born = dt.date(1970, 1, 1)
    for name in ("!!!", "???", "\u200b\u200bX", "A" * 150, "A" * 149 + "B", "M.", "Moh.", "-"):
        Person.objects.create(
            full_name=name, sex="M", region_id=NIBUNG, no_nik_reason="x", birth_date=born
        )
    found = scan_duplicates("19.04")
    pairs = {
        frozenset((p.person_a.full_name, p.person_b.full_name)) for p in DuplicatePair.objects.all()
    }
    assert frozenset(("!!!", "???")) not in pairs
    assert found == len(pairs)


def test_a_tombstone_page_does_not_name_a_survivor_out_of_scope(client, staff):
    born = dt.date(1970, 1, 1)
    kept, gone = (
        Person.objects.create(
            full_name=name, sex="F", region_id=NIBUNG, no_nik_reason="x", birth_date=born
        )
        for name in ("Siti Aminah", "St. Aminah")
    )
    pair = DuplicatePair.objects.create(
        person_a=kept, person_b=gone, region_id=NIBUNG, score=100, reason="same_birth_date"
    )
    merge_people(actor=staff["backoffice"], pair_id=pair.pk, survivor_id=kept.pk, reason="Sama")
    Person.objects.filter(pk=kept.pk).update(region_id=KOTA_BENGKALIS, full_name="Siti Pindahan")
    client.force_login(staff["petugas"])
    page = client.get(reverse("person_detail", args=[gone.pk]))
    assert page.status_code == 200
    assert "Siti Pindahan" not in page.content.decode()
    assert "di luar wilayah kerja Anda" in page.content.decode()


@pytest.mark.parametrize("who", ["petugas", "peksos", "dinkes", "petugas_bks"])
def test_people_of_other_areas_stay_hidden(client, staff, who):
    other = Person.objects.create(
        full_name="Warga Air Mesu", sex="M", region_id=AIR_MESU, no_nik_reason="x"
    )
    client.force_login(staff[who])
    assert client.get(reverse("person_detail", args=[other.pk])).status_code == 404


def _at_once(calls):
    """Run ``calls`` in threads released together; each result is ("ok", value), the
    domain error's (class name, status) or ("CRASH", repr)."""
    barrier = threading.Barrier(len(calls), timeout=30)
    results: list = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = ("ok", call())
        except DomainError as error:
            results[index] = (type(error).__name__, error.status_code)
        except Exception as error:  # noqa: BLE001 - a crash is what the test looks for
            results[index] = ("CRASH", repr(error)[:200])
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("flushable_audit_tables")
def test_two_officers_merging_one_pair_at_once_one_wins_one_409(staff):
    intake(staff["petugas"])
    intake(staff["petugas"], applicant=person(full_name="Boedi Santoso", **NO_NIK))
    pair = DuplicatePair.objects.get()
    results = _at_once(
        [
            lambda who=who, keep=keep: merge_people(
                actor=staff[who], pair_id=pair.pk, survivor_id=keep, reason="Sama"
            )
            for who, keep in (("backoffice", pair.person_a_id), ("manajer", pair.person_b_id))
        ]
    )
    assert sorted(result[0] for result in results) == ["Conflict", "ok"], results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("flushable_audit_tables")
def test_overlapping_pairs_merged_at_once_never_crash(staff):
    intake(staff["petugas"])
    intake(staff["petugas"], applicant=person(full_name="Boedi Santoso", **NO_NIK))
    b = Person.objects.get(full_name="Boedi Santoso")
    c = Person.objects.create(
        full_name="Boedi Santosa",
        sex="M",
        region_id=NIBUNG,
        no_nik_reason="x",
        birth_date=b.birth_date,
    )
    ab = DuplicatePair.objects.get()
    bc = DuplicatePair.objects.create(
        person_a=b, person_b=c, region_id=NIBUNG, score=95, reason="same_birth_date"
    )
    results = _at_once(
        [
            lambda: merge_people(
                actor=staff["backoffice"],
                pair_id=ab.pk,
                survivor_id=ab.person_a_id,
                reason="x",
                records=(ab.person_a_id, ab.person_b_id),
            ),
            lambda: merge_people(
                actor=staff["manajer"],
                pair_id=bc.pk,
                survivor_id=c.pk,
                reason="y",
                records=(b.pk, c.pk),
            ),
        ]
    )
    assert all(result[0] != "CRASH" for result in results), results
    assert sorted(result[0] for result in results) in (["Conflict", "ok"], ["ok", "ok"]), results


def test_a_decision_refused_because_the_pair_was_decided_meanwhile_says_so(client, staff, pair):
    records = f"{pair.person_a_id},{pair.person_b_id}"
    mark_not_same(actor=staff["backoffice"], pair_id=pair.pk, reason="Orang tua berbeda.")
    client.force_login(staff["manajer"])

    answer = client.post(
        reverse("duplicate_merge", args=[pair.pk]),
        {"survivor": pair.person_a_id, "decision_reason": "Sama.", "records": records},
    )
    assert answer.status_code == 409
    assert "Pasangan data ini sudah diputuskan." in answer.content.decode()


def test_a_refused_page_is_simpuls_own_in_the_readers_language(client, staff):
    client.force_login(staff["petugas"])
    answer = client.get(reverse("quality_overview"))
    assert answer.status_code == 403
    assert "Anda tidak diizinkan melakukan ini" in answer.content.decode()
    assert "Access Forbidden" not in answer.content.decode()
