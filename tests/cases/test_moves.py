"""Cross-regency NIK at intake, and the move request (pindah domisili) that replaces it.

A person registered in another area is answered "registered outside your area" by the
lookup, the intake form and the API alike, nothing linked or saved; a move request decided
by the back office of the person's area brings them over, with history.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cases.models import AccessLog, Case, LifeStatus, MoveRequest, MoveStatus, Person
from cases.moves import decide_move, request_move
from core.errors import Conflict, IntakeError, NotAllowed
from tests.conftest import KOTA_BENGKALIS, NIBUNG, NIK_MALE, intake, person

BENGKALIS_NIK = "1403011208850009"


@pytest.fixture
def budi(staff):
    """Budi Santoso, registered in Desa Nibung (Bangka Tengah) by its intake officer."""
    return intake(staff["petugas"]).case.beneficiary


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _bengkalis_intake_body(nik: str = NIK_MALE) -> dict:
    return {
        "kind": "service_request",
        "channel": "walk_in",
        "ppks_category": "fakir-miskin",
        "description": "Butuh bantuan berobat.",
        "requested_services": ["pbi-jk"],
        "applicant": {
            "nik": nik,
            "full_name": "Budi",
            "sex": "M",
            "birth_date": "1985-08-12",
            "address": {"region_code": KOTA_BENGKALIS},
        },
    }


def test_intake_by_nik_of_another_regency_links_nothing_and_names_no_one(staff, budi):
    """The issue's exact case: Bengkalis opens a case with a Bangka Tengah NIK."""
    cases_before = Case.objects.count()
    with pytest.raises(IntakeError) as refused:
        intake(staff["petugas_bks"], applicant=person(region_code=KOTA_BENGKALIS))
    messages = " ".join(m for ms in refused.value.field_errors.values() for m in ms)
    assert "terdaftar di luar wilayah kerja Anda" in messages
    assert "Budi" not in messages and "Nibung" not in messages
    assert list(refused.value.field_errors) == ["applicant.nik"]
    assert Case.objects.count() == cases_before
    assert Person.objects.count() == 1


def test_api_intake_by_nik_of_another_regency_answers_like_the_lookup(staff, budi):
    response = _api(staff["petugas_bks"]).post(
        "/api/v1/cases/", _bengkalis_intake_body(), format="json"
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "terdaftar di luar wilayah kerja Anda" in body
    assert "Budi" not in body and "Nibung" not in body and "1985" not in body
    assert not Case.objects.filter(opened_by=staff["petugas_bks"]).exists()


def test_form_intake_by_nik_of_another_regency_saves_nothing(client, staff, budi):
    from agencies.models import PpksCategory

    client.force_login(staff["petugas_bks"])
    response = client.post(
        reverse("case_open"),
        {
            "kind": "service_request",
            "channel": "walk_in",
            "ppks_category": PpksCategory.objects.get(code="fakir-miskin").pk,
            "description": "Butuh bantuan berobat.",
            "beneficiary_is_applicant": "on",
            "priority": "normal",
            "applicant-nik": NIK_MALE,
            "applicant-full_name": "Budi",
            "applicant-sex": "M",
            "applicant-region": KOTA_BENGKALIS,
            "confirm_new": "1",
            "confirm_double_aid": "1",
        },
    )
    body = response.content.decode()
    assert "terdaftar di luar wilayah kerja Anda" in body
    assert "Budi Santoso" not in body and "Nibung" not in body
    assert not Case.objects.filter(opened_by=staff["petugas_bks"]).exists()


def test_error_for_a_deceased_person_elsewhere_names_nothing(staff, budi):
    """Walking person ids across regencies must not list names or dates of death."""
    Person.objects.filter(pk=budi.pk).update(life_status=LifeStatus.DECEASED)
    answers = []
    for picked in (budi.pk, 999_999):
        with pytest.raises(IntakeError) as refused:
            intake(
                staff["petugas_bks"],
                applicant=person(existing_person_id=picked, region_code=KOTA_BENGKALIS),
            )
        answers.append(refused.value.field_errors)
    assert answers[0] == answers[1]  # the same answer as for a record that does not exist
    text = str(answers[0])
    assert "Budi" not in text and "meninggal" not in text and "Nibung" not in text


def test_region_outside_the_area_is_refused_without_naming_the_village(staff):
    with pytest.raises(IntakeError) as refused:
        intake(staff["petugas_bks"], applicant=person(nik=BENGKALIS_NIK, region_code=NIBUNG))
    errors = refused.value.field_errors
    assert errors == {"applicant.address.region_code": [errors["applicant.address.region_code"][0]]}
    assert "Nibung" not in str(errors)


def test_move_request_end_to_end(client, staff, budi):
    """Bengkalis asks, Bangka Tengah's back office accepts, scope follows the person."""
    move = request_move(
        actor=staff["petugas_bks"],
        nik=NIK_MALE,
        region_code=KOTA_BENGKALIS,
        rt="004",
        rw="002",
        street="Jl. Pramuka 7",
        reason="Ikut istri pindah ke Bengkalis sejak Oktober.",
    )
    assert move.status == MoveStatus.PENDING and move.from_region_id == NIBUNG
    assert move.due_at > move.requested_at

    # The requester sees the request, not the person.
    client.force_login(staff["petugas_bks"])
    page = client.get(reverse("move_request_detail", args=[move.pk])).content.decode()
    assert "Ikut istri" in page and "Budi Santoso" not in page

    # The back office of Bangka Tengah sees it in the inbox and decides it (logged).
    client.force_login(staff["backoffice"])
    assert "menunggu keputusan Anda" in client.get(reverse("inbox")).content.decode()
    page = client.get(reverse("move_request_detail", args=[move.pk])).content.decode()
    assert "Budi Santoso" in page
    assert AccessLog.objects.filter(
        user=staff["backoffice"], person=budi, route="move_request_detail"
    ).exists()
    response = client.post(
        reverse("move_request_detail", args=[move.pk]), {"decision": "accept", "reason": ""}
    )
    assert response.status_code == 302

    budi.refresh_from_db()
    assert (budi.region_id, budi.rt, budi.street) == (KOTA_BENGKALIS, "004", "Jl. Pramuka 7")
    last = budi.history.order_by("-history_date", "-history_id").first()
    assert last.history_user == staff["backoffice"]
    assert "Pindah domisili" in last.history_change_reason
    assert move.history.count() == 2

    # Now Bengkalis serves him: the same intake links to the person.
    case = intake(staff["petugas_bks"], applicant=person(region_code=KOTA_BENGKALIS)).case
    assert case.beneficiary_id == budi.pk


def test_move_request_rejected_needs_a_reason_and_changes_nothing(staff, budi):
    move = request_move(
        actor=staff["petugas_bks"], nik=NIK_MALE, region_code=KOTA_BENGKALIS, reason="Pindah."
    )
    with pytest.raises(IntakeError) as refused:
        decide_move(actor=staff["backoffice"], move_id=move.pk, decision="reject")
    assert "reason" in refused.value.field_errors
    decide_move(
        actor=staff["backoffice"], move_id=move.pk, decision="reject", reason="Masih di Nibung."
    )
    budi.refresh_from_db()
    assert budi.region_id == NIBUNG
    with pytest.raises(Conflict):
        decide_move(actor=staff["manajer"], move_id=move.pk, decision="accept")


def test_only_the_area_of_the_person_decides(staff, budi):
    move = request_move(
        actor=staff["petugas_bks"], nik=NIK_MALE, region_code=KOTA_BENGKALIS, reason="Pindah."
    )
    with pytest.raises(NotAllowed):
        decide_move(actor=staff["petugas_bks"], move_id=move.pk, decision="accept")
    for stranger in ("petugas", "dinkes"):  # Nibung intake, an agency: not theirs to see
        with pytest.raises(MoveRequest.DoesNotExist):
            decide_move(actor=staff[stranger], move_id=move.pk, decision="accept")


def test_move_request_errors_name_the_field(staff, budi):
    cases = [
        ({"nik": "1904011208850"}, "nik"),
        ({"nik": "1403019999990001"}, "nik"),  # not registered: intake registers directly
        ({"region_code": NIBUNG}, "region_code"),  # not the requester's area
        ({"reason": "  "}, "reason"),
        ({"rt": "12345"}, "rt"),
    ]
    for override, field in cases:
        kwargs = {"nik": NIK_MALE, "region_code": KOTA_BENGKALIS, "reason": "Pindah."}
        kwargs.update(override)
        with pytest.raises(IntakeError) as refused:
            request_move(actor=staff["petugas_bks"], **kwargs)
        assert field in refused.value.field_errors, (override, refused.value.field_errors)


def test_move_request_api_second_pending_request_answers_409(staff, budi):
    body = {"nik": NIK_MALE, "region_code": KOTA_BENGKALIS, "reason": "Pindah kerja."}
    api = _api(staff["petugas_bks"])
    first = api.post("/api/v1/moves/", body, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["person"] is None and "Budi" not in first.content.decode()
    assert api.post("/api/v1/moves/", body, format="json").status_code == 409

    move_id = first.json()["id"]
    assert _api(staff["petugas"]).get(f"/api/v1/moves/{move_id}/").status_code == 404
    decider = _api(staff["backoffice"])
    assert decider.get(f"/api/v1/moves/{move_id}/").json()["person"]["full_name"] == (
        "Budi Santoso"
    )
    assert api.post(f"/api/v1/moves/{move_id}/decide/", {"decision": "accept"}).status_code == 403
    decided = decider.post(f"/api/v1/moves/{move_id}/decide/", {"decision": "accept"})
    assert decided.status_code == 200 and decided.json()["status"] == "accepted"
    listed = api.get("/api/v1/moves/").json()["results"]
    assert [m["id"] for m in listed] == [move_id]


def test_move_request_form_keeps_the_nik_out_of_the_url(client, staff, budi):
    client.force_login(staff["petugas_bks"])
    response = client.post(
        reverse("move_request_new"),
        {"nik": NIK_MALE, "region": KOTA_BENGKALIS, "reason": "Pindah kerja."},
    )
    assert response.status_code == 302
    assert NIK_MALE not in response["Location"]
    assert MoveRequest.objects.get().requested_by == staff["petugas_bks"]


KK_NIBUNG = "1904010101200001"


def test_a_family_card_of_another_area_cannot_be_joined_at_intake(client, staff):
    """The sibling of the cross-regency NIK: a KK number pulled the family's names in."""
    intake(staff["petugas"], kk_number=KK_NIBUNG)  # Budi heads the card in Nibung
    cases_before = Case.objects.count()
    with pytest.raises(IntakeError) as refused:
        intake(
            staff["petugas_bks"],
            applicant=person(nik=BENGKALIS_NIK, full_name="Rahmat", region_code=KOTA_BENGKALIS),
            kk_number=KK_NIBUNG,
        )
    assert list(refused.value.field_errors) == ["kk_number"]
    assert "Budi" not in str(refused.value.field_errors)
    assert Case.objects.count() == cases_before


def test_person_page_lists_only_family_members_in_scope(client, staff):
    """A member living elsewhere (an old record on the same card) is not listed."""
    budi = intake(staff["petugas"], kk_number=KK_NIBUNG).case.beneficiary
    far = intake(
        staff["petugas_bks"],
        applicant=person(nik=BENGKALIS_NIK, full_name="Rahmat Hidayat", region_code=KOTA_BENGKALIS),
    ).case.beneficiary
    Person.objects.filter(pk=far.pk).update(family=budi.family)
    near = intake(
        staff["petugas"], applicant=person(nik="1904015208900003", full_name="Sri", sex="F")
    ).case.beneficiary
    Person.objects.filter(pk=near.pk).update(family=budi.family)
    client.force_login(staff["petugas"])
    page = client.get(reverse("person_detail", args=[budi.pk])).content.decode()
    assert "Sri" in page and "Rahmat Hidayat" not in page


def test_only_intake_roles_may_file_so_no_one_else_learns_whether_a_nik_is_registered(staff, budi):
    """The review's exact case: agency staff probed registered and unknown NIKs."""
    for username in ("dinkes", "peksos"):
        api = _api(staff[username])
        answers = [
            api.post(
                "/api/v1/moves/",
                {"nik": nik, "region_code": KOTA_BENGKALIS, "reason": "x"},
                format="json",
            )
            for nik in (NIK_MALE, "1403019999990001")
        ]
        assert [a.status_code for a in answers] == [403, 403]
        assert answers[0].content == answers[1].content


def test_after_the_decision_the_old_area_no_longer_reads_the_person(staff, budi):
    move = request_move(
        actor=staff["petugas_bks"],
        nik=NIK_MALE,
        region_code=KOTA_BENGKALIS,
        street="Jl. Pramuka 7",
        reason="Pindah.",
    )
    decider = _api(staff["backoffice"])
    assert decider.get(f"/api/v1/moves/{move.pk}/").json()["person"] is not None
    decide_move(actor=staff["backoffice"], move_id=move.pk, decision="accept")
    Person.objects.filter(pk=budi.pk).update(street="Jl. Baru 9")
    after = decider.get(f"/api/v1/moves/{move.pk}/")
    assert after.json()["person"] is None
    assert "Jl. Baru 9" not in after.content.decode()


def _file_moves(staff, count: int, start: int) -> list[MoveRequest]:
    """``count`` people registered in Nibung, each with a move request to Bengkalis."""
    moves = []
    for n in range(start, start + count):
        nik = f"19040112088500{n:02d}"
        intake(staff["petugas"], applicant=person(nik=nik, full_name=f"Warga {n}"))
        moves.append(
            request_move(
                actor=staff["petugas_bks"], nik=nik, region_code=KOTA_BENGKALIS, reason="Pindah."
            )
        )
    return moves


def test_move_list_lists_pending_first_in_constant_queries(client, staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = _file_moves(staff, 2, start=10)
    decide_move(actor=staff["backoffice"], move_id=first[0].pk, decision="reject", reason="x")
    client.force_login(staff["backoffice"])
    with CaptureQueriesContext(connection) as small:
        page = client.get(reverse("move_list")).content.decode()
    assert page.index(f"#{first[1].pk}<") < page.index(f"#{first[0].pk}<")  # pending first
    _file_moves(staff, 6, start=20)
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse("move_list")).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    api = _api(staff["petugas_bks"])
    with CaptureQueriesContext(connection) as api_queries:
        listed = api.get("/api/v1/moves/").json()["results"]
    assert len(listed) == 8
    assert len(api_queries.captured_queries) <= 4


def test_a_person_recorded_as_moved_away_is_active_again_once_the_move_is_accepted(staff, budi):
    from cases.services.corrections import record_life_event

    record_life_event(
        actor=staff["backoffice"],
        person_id=budi.pk,
        status="moved",
        on=dt.date(2026, 5, 1),
        source="Keterangan kepala desa",
    )
    move = request_move(
        actor=staff["petugas_bks"], nik=NIK_MALE, region_code=KOTA_BENGKALIS, reason="Pindah."
    )
    decide_move(actor=staff["backoffice"], move_id=move.pk, decision="accept")

    budi.refresh_from_db()
    assert budi.life_status == "active" and budi.region_id == KOTA_BENGKALIS
    assert budi.life_status_source == f"Pindah domisili #{move.pk} diterima"
