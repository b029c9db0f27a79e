import datetime as dt

import pytest

from cases.models import Case, Family, LifeStatus, Person
from cases.services import assign_family, register_person
from core.errors import IntakeError
from tests.conftest import AIR_MESU, KOTA_BENGKALIS, NIBUNG, NIK_FEMALE, NIK_MALE, intake, person

KK = "1904010101200001"


def counts():
    return Case.objects.count(), Person.objects.count(), Family.objects.count()


def test_opening_a_case_registers_people_and_numbers_it_by_regency_and_year(staff):
    result = intake(staff["petugas"], kk_number=KK)
    case = result.case
    year = dt.date.today().year
    assert case.number == f"1904-{year}-000001"
    # The flow starts at once: registry checked, a home visit waits for a social worker.
    assert case.stage == "verification" and case.status == "open"
    assert list(case.work_items.values_list("kind", flat=True)) == ["verification"]
    assert case.applicant == case.beneficiary
    assert case.beneficiary.nik == NIK_MALE
    assert case.beneficiary.family.kk_number == KK
    assert case.region_id == NIBUNG
    assert list(case.requested_services.values_list("code", flat=True)) == ["pbi-jk"]
    # Nothing was uploaded: the officer is told which papers PBI-JK still needs.
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("Berkas persyaratan belum lengkap: Foto rumah")
    assert "Surat Keterangan Tidak Mampu (SKTM)" in result.warnings[0]
    second = intake(staff["petugas"], applicant=person(nik=NIK_FEMALE, sex="F", full_name="Siti"))
    assert second.case.number == f"1904-{year}-000002"


def test_bengkalis_cases_get_their_own_sequence(staff):
    intake(staff["petugas"])
    bks = intake(
        staff["petugas_bks"],
        applicant=person(nik="1403011208850009", region_code="14.03.01.1001"),
    )
    assert bks.case.number.startswith("1403-") and bks.case.number.endswith("-000001")


def test_existing_nik_links_to_the_registered_person(staff):
    first = intake(staff["petugas"]).case
    second = intake(staff["petugas"], applicant=person(full_name="BUDI  SANTOSO", phone="")).case
    assert second.beneficiary_id == first.beneficiary_id
    assert Person.objects.count() == 1


def test_existing_nik_with_another_name_links_and_warns(staff):
    first = intake(staff["petugas"]).case
    result = intake(staff["petugas"], applicant=person(full_name="Joko Susilo"))
    assert result.case.beneficiary_id == first.beneficiary_id
    assert any("Budi Santoso" in w for w in result.warnings)


def test_second_open_case_of_the_same_person_is_flagged(staff):
    first = intake(staff["petugas"]).case
    result = intake(staff["petugas"])
    assert any(first.number in w for w in result.warnings)


def test_nik_birth_date_mismatch_saves_with_a_warning(staff):
    result = intake(staff["petugas"], applicant=person(birth_date=dt.date(1985, 8, 13)))
    assert result.case.pk
    assert any("Tanggal lahir" in w for w in result.warnings)
    # Kept on the case: all but the missing documents, which the case page reads live.
    assert result.case.intake_warnings == [
        w for w in result.warnings if not w.startswith("Berkas persyaratan")
    ]


def test_likely_duplicate_by_name_birth_date_and_village_is_reported(staff):
    intake(staff["petugas"])
    result = intake(
        staff["petugas"],
        applicant=person(nik="", no_nik_reason="KTP hilang", full_name="Budi Santosa"),
    )
    assert any("Kemungkinan data ganda" in w for w in result.warnings)
    # No decision means a second record; choosing the existing one links instead.
    assert Person.objects.count() == 2
    existing = Person.objects.by_nik(NIK_MALE).get()
    linked = intake(staff["petugas"], applicant=person(existing_person_id=existing.pk))
    assert linked.case.beneficiary == existing


def test_same_name_in_another_village_is_not_a_likely_duplicate(staff):
    intake(staff["petugas"])
    result = intake(
        staff["backoffice"],
        applicant=person(nik="", no_nik_reason="belum rekam", region_code=AIR_MESU),
    )
    assert not any("Kemungkinan data ganda" in w for w in result.warnings)


def test_person_without_nik_needs_a_reason(staff):
    with pytest.raises(IntakeError) as excinfo:
        intake(staff["petugas"], applicant=person(nik=""))
    assert "applicant.nik" in excinfo.value.field_errors
    result = intake(staff["petugas"], applicant=person(nik="", no_nik_reason="Bayi baru lahir"))
    assert result.case.beneficiary.nik is None
    assert result.case.beneficiary.no_nik_reason == "Bayi baru lahir"


def test_kk_is_shared_by_several_people(staff):
    head = intake(staff["petugas"], kk_number=KK).case.beneficiary
    wife, _warnings = register_person(
        actor=staff["petugas"],
        data=person(nik=NIK_FEMALE, full_name="Siti Aminah", sex="F", relationship="spouse"),
        kk_number=KK,
    )
    assert head.family == wife.family
    assert Family.objects.by_kk_number(KK).get().members.count() == 2


def test_a_person_is_on_one_kk_at_a_time(staff):
    budi = intake(staff["petugas"], kk_number=KK).case.beneficiary
    warnings = assign_family(
        actor=staff["petugas"], person=budi, kk_number="1904010101200002", relationship="head"
    )
    budi.refresh_from_db()
    assert budi.family.kk_number == "1904010101200002"
    assert warnings
    assert Family.objects.by_kk_number(KK).get().members.count() == 0


def test_separate_beneficiary_goes_on_the_kk(staff):
    child = person(
        nik="1904015203150003", full_name="Aisyah", sex="F", birth_date=dt.date(2015, 3, 12)
    )
    case = intake(staff["petugas"], beneficiary=child, kk_number=KK).case
    assert case.applicant.nik == NIK_MALE
    assert case.beneficiary.nik == "1904015203150003"
    assert case.beneficiary.family.kk_number == KK


def test_deceased_person_needs_an_override_reason(staff):
    budi = intake(staff["petugas"]).case.beneficiary
    budi.life_status = LifeStatus.DECEASED
    budi.life_status_date = dt.date(2026, 10, 1)
    budi.save()
    before = counts()
    with pytest.raises(IntakeError) as excinfo:
        intake(staff["petugas"])
    assert "meninggal dunia" in excinfo.value.field_errors["deceased_override_reason"][0]
    assert counts() == before
    result = intake(
        staff["petugas"],
        deceased_override_reason="Ahli waris mengurus biaya pemakaman; status akan dikoreksi.",
    )
    assert result.case.deceased_override_reason.startswith("Ahli waris")
    assert any("meninggal dunia" in w for w in result.warnings)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"applicant": person(nik="190401120885001")}, "applicant.nik"),
        ({"applicant": person(nik="1904011213850001")}, "applicant.nik"),
        ({"applicant": person(region_code="19.99.99.9999")}, "applicant.address.region_code"),
        ({"applicant": person(region_code="19.04.01")}, "applicant.address.region_code"),
        ({"applicant": person(full_name=" ")}, "applicant.full_name"),
        ({"applicant": person(sex="X")}, "applicant.sex"),
        ({"applicant": person(rt="12a")}, "applicant.address.rt"),
        ({"description": ""}, "description"),
        ({"ppks_category": "unknown"}, "ppks_category"),
        ({"requested_services": ["pbi-jk", "no-such"]}, "requested_services"),
        ({"kind": "rumor"}, "kind"),
        ({"kk_number": "12345"}, "kk_number"),
        ({"beneficiary": person(nik="", full_name="Anak")}, "beneficiary.nik"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(staff, overrides, field):
    before = counts()
    with pytest.raises(IntakeError) as excinfo:
        intake(staff["petugas"], **overrides)
    assert field in excinfo.value.field_errors
    assert all(excinfo.value.field_errors[field])
    assert counts() == before


def test_several_errors_are_reported_together(staff):
    with pytest.raises(IntakeError) as excinfo:
        intake(staff["petugas"], description="", applicant=person(nik="abc", sex=""))
    assert {"description", "applicant.nik", "applicant.sex"} <= set(excinfo.value.field_errors)


def test_history_records_who_opened_the_case(staff):
    case = intake(staff["petugas"], kk_number=KK).case
    records = list(case.history.order_by("history_id"))
    assert records[0].history_type == "+"
    # Creation, requested services, registry findings, stage: all by the intake officer.
    assert {r.history_user for r in records} == {staff["petugas"]}
    with_services = [r for r in records if r.requested_services.exists()]
    assert [s.service_id for s in with_services[0].requested_services.all()] == [
        case.requested_services.get().pk
    ]
    assert case.beneficiary.history.earliest().history_user == staff["petugas"]


def test_intake_officer_cannot_register_outside_their_villages(staff):
    with pytest.raises(IntakeError) as excinfo:
        intake(staff["petugas"], applicant=person(region_code=AIR_MESU))
    assert (
        "di luar wilayah kerja Anda"
        in excinfo.value.field_errors["applicant.address.region_code"][0]
    )
    assert Case.objects.count() == 0
    # The regency's back office may.
    assert intake(staff["backoffice"], applicant=person(region_code=AIR_MESU)).case.pk


def test_an_officer_cannot_link_a_case_to_a_person_outside_their_area(staff):
    budi = intake(staff["petugas"]).case.beneficiary
    picked = person(nik="", no_nik_reason="KTP hilang", region_code=KOTA_BENGKALIS)
    picked.existing_person_id = budi.pk
    with pytest.raises(IntakeError) as error:
        intake(staff["petugas_bks"], applicant=picked)
    assert error.value.field_errors == {
        "applicant.existing_person_id": ["Data penduduk tidak ditemukan."]
    }
    assert Case.objects.count() == 1


# Issue 10, fault 4: NIK, No. KK and phone typed in other digits.
FULL_WIDTH_NIK = "１９０４０１１２０８８５０００１"
ARABIC_INDIC_NIK = "١٩٠٤٠١١٢٠٨٨٥٠٠٠١"


def in_digits(number: str, zero: str) -> str:
    return "".join(chr(ord(zero) + int(digit)) for digit in number)


def test_full_width_nik_links_to_the_registered_person(staff):
    first = intake(staff["petugas"]).case
    second = intake(staff["petugas"], applicant=person(nik=FULL_WIDTH_NIK)).case
    assert second.beneficiary_id == first.beneficiary_id
    assert Person.objects.count() == 1


def test_full_width_nik_of_a_new_person_is_stored_in_ascii_digits(staff):
    case = intake(staff["petugas"], applicant=person(nik=FULL_WIDTH_NIK)).case
    assert case.beneficiary.nik == NIK_MALE
    assert Person.objects.by_nik(NIK_MALE).get() == case.beneficiary


def test_nik_with_a_zero_width_space_inside_links_to_the_registered_person(staff):
    first = intake(staff["petugas"]).case
    second = intake(staff["petugas"], applicant=person(nik="1904011208\u200b850001")).case
    assert second.beneficiary_id == first.beneficiary_id
    assert Person.objects.count() == 1


def test_arabic_indic_nik_is_refused_with_the_field_named(staff):
    intake(staff["petugas"])
    before = counts()
    with pytest.raises(IntakeError) as excinfo:
        intake(staff["petugas"], applicant=person(nik=ARABIC_INDIC_NIK))
    assert excinfo.value.field_errors["applicant.nik"] == ["NIK hanya boleh berisi angka 0-9."]
    assert counts() == before


def test_full_width_kk_number_files_the_person_on_the_same_family(staff):
    head = intake(staff["petugas"], kk_number=KK).case.beneficiary
    wife, _warnings = register_person(
        actor=staff["petugas"],
        data=person(nik=NIK_FEMALE, full_name="Siti Aminah", sex="F", relationship="spouse"),
        kk_number=in_digits(KK, "０"),
    )
    assert wife.family == head.family
    assert Family.objects.count() == 1
    assert Family.objects.get().kk_number == KK


def test_arabic_indic_kk_number_is_refused_with_the_field_named(staff):
    with pytest.raises(IntakeError) as excinfo:
        intake(staff["petugas"], kk_number=in_digits(KK, "٠"))
    assert excinfo.value.field_errors["kk_number"] == ["Nomor KK hanya boleh berisi angka 0-9."]
    assert counts() == (0, 0, 0)


def test_full_width_phone_is_stored_in_ascii_digits(staff):
    typed = "０８１２ ３４５６ ７８９０"
    case = intake(staff["petugas"], applicant=person(phone=typed)).case
    assert Person.objects.get(pk=case.beneficiary_id).phone == "081234567890"


def test_arabic_indic_phone_is_refused_by_the_form_and_the_api_naming_the_phone(staff):
    from cases.forms import PersonForm
    from cases.serializers import PersonIn

    message = "Nomor telepon hanya boleh berisi angka 0-9 (boleh diawali +)."
    arabic_phone = in_digits("081234567890", "٠")
    form = PersonForm(data={"nik": NIK_MALE, "phone": arabic_phone})
    assert not form.is_valid()
    assert form.errors["phone"] == [message]
    api = PersonIn(data={"nik": NIK_MALE, "phone": arabic_phone})
    assert not api.is_valid()
    assert api.errors["phone"] == [message]
    assert PersonIn(data={"nik": NIK_MALE, "phone": "+62 812-3456-7890"}).is_valid()


def test_open_case_refuses_a_phone_that_is_not_digits_even_without_the_form(staff):
    """The service checks the phone itself (demo loader, imports), naming the field."""
    with pytest.raises(IntakeError) as refused:
        intake(staff["petugas"], applicant=person(phone="٠٨١٢٣٤٥٦٧٨٩"))
    assert list(refused.value.field_errors) == ["applicant.phone"]


def test_rt_rw_take_only_ascii_digits(staff):
    with pytest.raises(IntakeError) as refused:
        intake(staff["petugas"], applicant=person(rt="٠٠٢"))
    assert "applicant.address.rt" in refused.value.field_errors
