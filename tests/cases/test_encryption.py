"""NIK and No. KK are stored encrypted; exact lookup works through the blind index."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from cases.models import Family, Person
from tests.conftest import NIK_MALE, intake
from web.selectors import case_list

KK = "1904010101200001"


def _raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE id = %s', [pk])
        return cursor.fetchone()[0]


def test_database_column_holds_no_plaintext_nik_or_kk(staff):
    case = intake(staff["petugas"], kk_number=KK).case
    person = case.beneficiary
    raw_nik = _raw("cases_person", "nik", person.pk)
    raw_kk = _raw("cases_family", "kk_number", person.family_id)
    assert NIK_MALE not in raw_nik and KK not in raw_kk
    assert NIK_MALE not in _raw("cases_person", "nik_index", person.pk)
    # History rows are encrypted too.
    with connection.cursor() as cursor:
        cursor.execute("SELECT nik FROM cases_historicalperson WHERE id = %s", [person.pk])
        assert all(NIK_MALE not in row[0] for row in cursor.fetchall())
    person.refresh_from_db()
    assert person.nik == NIK_MALE
    assert Family.objects.by_kk_number(KK).get().kk_number == KK


def test_search_by_nik_goes_through_the_blind_index(staff):
    case = intake(staff["petugas"]).case
    assert Person.objects.by_nik(NIK_MALE).get() == case.beneficiary
    assert list(case_list(staff["petugas"], q=NIK_MALE)) == [case]
    assert list(case_list(staff["petugas"], q="1904011208850099")) == []


def test_filtering_on_the_encrypted_column_is_refused(staff):
    with pytest.raises(FieldError):
        Person.objects.filter(nik=NIK_MALE).exists()


def test_keys_rotate_without_losing_data(staff, settings):
    case = intake(staff["petugas"], kk_number=KK).case
    old_token = _raw("cases_person", "nik", case.beneficiary_id)
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *settings.FIELD_ENCRYPTION_KEYS]
    call_command("rotate_encryption_keys", stdout=io.StringIO())
    new_token = _raw("cases_person", "nik", case.beneficiary_id)
    assert new_token != old_token
    assert Fernet(new_key.encode()).decrypt(new_token.encode()).decode() == NIK_MALE
    assert Person.objects.get(pk=case.beneficiary_id).nik == NIK_MALE
