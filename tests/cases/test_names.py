"""Duplicates that know Indonesian names (issue 14): short and long forms, the old spelling,
doubled letters, parts reordered or left out, invisible characters; and the candidates an
intake is asked about (same village and birth date, or a close name where a birth date or
NIK is missing)."""

import datetime as dt

import pytest

from cases.models import Person
from cases.names import clean_name, name_key, similar_names
from cases.selectors import likely_duplicates, search_cases
from core.errors import NeedsConfirmation
from tests.conftest import NIBUNG, intake, person

SAME = [
    # short and long forms of common name parts
    ("Muhammad Yusuf", "M. Yusuf"),
    ("Muhammad Yusuf", "Muhamad Yusuf"),
    ("Muhammad Yusuf", "Mohammad Yusuf"),
    ("Muhammad Yusuf", "Moh. Yusuf"),
    ("Muhammad Yusuf", "Muh. Yusuf"),
    ("Mochammad Yusuf", "Muhammad Yusuf"),
    ("Mohd Yusuf", "Muhammad Yusuf"),  # common in Riau
    ("Ma'ruf Amin", "Maruf Amin"),  # an apostrophe inside a word
    ("Siti Aminah", "St. Aminah"),
    ("Abdul Rahman", "Abd. Rahman"),
    ("Nurul Aini", "Nur Aini"),
    # the old spelling
    ("Soekarno", "Sukarno"),
    ("Djoko Susilo", "Joko Susilo"),
    ("Tjahjo Kumolo", "Cahyo Kumolo"),
    ("Jusuf Kalla", "Yusuf Kalla"),
    ("Chairul Anwar", "Khairul Anwar"),
    ("Sjarifuddin", "Syarifuddin"),
    # doubled letters
    ("Abdullah", "Abdulah"),
    ("Hasanuddin", "Hasanudin"),
    # parts reordered or left out
    ("Robert Simanjuntak", "Simanjuntak Robert"),
    ("Muhammad Rizki Pratama", "Rizki Pratama"),
    ("Siti Aminah", "Aminah"),
    # invisible characters pasted from a chat app
    ("Budi\u200b Santoso", "Budi Santoso"),
    ("Bu\u200ddi Santoso\ufeff", "Budi Santoso"),
]
DIFFERENT = [
    ("Budi Santoso", "Budi Hartono"),
    ("Siti Aminah", "Siti Rahmah"),
    ("Ahmad", "Ahmadi Rusli Hasibuan"),
    # sharing only a common part (the review found "Siti" at 100 against every "Siti ...")
    ("Siti", "Siti Aminah"),
    ("Muhammad", "Muhammad Rizki Pratama"),
    ("Nur Hasanah", "Nurul"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_two_ways_of_writing_one_name_are_alike(a, b):
    assert similar_names(a, b), (name_key(a), name_key(b))


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_people_are_not(a, b):
    assert not similar_names(a, b), (name_key(a), name_key(b))


def test_invisible_characters_are_removed_on_save_and_the_name_is_found(staff):
    case = intake(staff["petugas"], applicant=person(full_name="Budi\u200b Santoso\u2060")).case
    budi = Person.objects.get(pk=case.beneficiary_id)
    assert budi.full_name == "Budi Santoso" == clean_name("Budi\u200b Santoso\u2060")
    found = search_cases(budi.cases_as_beneficiary.all(), "budi santoso")
    assert list(found) == [case]
    # Searched as typed with the old spelling or a zero-width space, too.
    assert list(search_cases(budi.cases_as_beneficiary.all(), "Boedi\u200b")) == [case]


def _registered(**overrides) -> Person:
    data = {
        "full_name": "Muhammad Yusuf",
        "birth_date": dt.date(1980, 3, 1),
        "sex": "M",
        "region_id": NIBUNG,
        "no_nik_reason": "",
        "nik": "1904010103800003",
    }
    data.update(overrides)
    registered = Person(**data)
    registered.save()
    return registered


def test_candidates_share_the_village_and_birth_date_or_lack_one_of_them(regions):
    yusuf = _registered()
    no_birth_date = _registered(full_name="Jusuf Muhamad", birth_date=None, nik="1904010103800004")
    no_nik = _registered(
        full_name="Moh. Yusuf", birth_date=dt.date(1979, 1, 1), nik=None, no_nik_reason="Hilang"
    )
    _registered(full_name="Muhammad Yusuf", birth_date=dt.date(1990, 5, 5), nik="1904010505900005")
    typed = {"full_name": "M. Jusuf", "region": yusuf.region}
    found = likely_duplicates(**typed, birth_date=dt.date(1980, 3, 1))
    # The same birth date first; then the ones without a birth date or a NIK to tell;
    # the Muhammad Yusuf born in 1990 with his own NIK is someone else.
    assert found[0] == yusuf
    assert set(found) == {yusuf, no_birth_date, no_nik}
    # Typed without a NIK or birth date: every close name of the village is asked about.
    found = likely_duplicates(**typed, birth_date=None, has_nik=False)
    assert len(found) == 4


def test_intake_asks_about_a_look_alike_written_the_old_way(staff):
    intake(
        staff["petugas"],
        applicant=person(full_name="Muhammad Yusuf", nik="", no_nik_reason="Belum rekam"),
    )
    with pytest.raises(NeedsConfirmation) as asked:
        intake(
            staff["petugas"],
            applicant=person(full_name="Moch. Jusuf", nik="", no_nik_reason="KTP hilang"),
            confirm_new_person=False,
        )
    [candidate] = asked.value.likely_duplicates["applicant"]
    assert candidate["full_name"] == "Muhammad Yusuf"


def test_a_zero_width_space_between_words_is_a_space():
    assert clean_name("Agus\u200bHamzah") == "Agus Hamzah"


def test_search_finds_the_parts_in_any_order_and_the_apostrophe_either_way(staff):
    case = intake(staff["petugas"], applicant=person(full_name="Muhammad Ma'ruf")).case
    cases = case.beneficiary.cases_as_beneficiary.all()
    for typed in ("Maruf Muhammad", "ma'ruf", "Mohd Maruf"):
        assert list(search_cases(cases, typed)) == [case], typed
