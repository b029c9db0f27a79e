import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cases.nik import mask_nik, nik_warnings, parse_nik


def test_valid_male_nik_gives_birth_date_and_sex():
    parts = parse_nik("1904011208850001")
    assert (parts.birth_day, parts.birth_month, parts.birth_year_2d) == (12, 8, 85)
    assert parts.sex == "M"
    assert parts.region_prefix == "190401"


def test_female_day_is_offset_by_forty():
    parts = parse_nik("1904015208850002")
    assert parts.sex == "F"
    assert parts.birth_day == 12


@pytest.mark.parametrize("day", ["41", "71"])
def test_female_day_range_edges_are_valid(day):
    assert parse_nik(f"190401{day}08850002").sex == "F"


def test_spaces_and_dots_people_type_are_ignored():
    assert parse_nik("1904 0112 0885 0001").sex == "M"


@pytest.mark.parametrize(
    "nik, code",
    [
        ("190401120885001", "nik_length"),  # 15 digits
        ("19040112088500012", "nik_length"),  # 17 digits
        ("19040112O8850001", "nik_not_digits"),  # letter O
        ("1904011213850001", "nik_month"),  # month 13
        ("1904011200850001", "nik_month"),  # month 00
        ("1904013208850001", "nik_day"),  # day 32
        ("1904010008850001", "nik_day"),  # day 00
        ("1904017208850001", "nik_day"),  # day 72 (female 32)
        ("1904013508850001", "nik_day"),  # day 35: neither range
    ],
)
def test_invalid_nik_is_rejected_with_the_broken_rule(nik, code):
    with pytest.raises(ValidationError) as excinfo:
        parse_nik(nik)
    assert excinfo.value.code == code


def test_fifteen_digit_message_says_how_many_were_typed():
    with pytest.raises(ValidationError) as excinfo:
        parse_nik("190401120885001")
    assert "16 digit" in excinfo.value.messages[0]
    assert "15" in excinfo.value.messages[0]


def test_unknown_region_prefix_is_not_rejected():
    # 99.99.99 is in no code list; districts get split, so the prefix is never checked.
    assert parse_nik("9999991208850001").region_prefix == "999999"


def test_birth_date_mismatch_only_warns():
    warnings = nik_warnings("1904011208850001", birth_date=dt.date(1985, 8, 13), sex="M")
    assert len(warnings) == 1
    assert "Tanggal lahir" in warnings[0]


def test_sex_mismatch_only_warns():
    warnings = nik_warnings("1904015208850002", birth_date=dt.date(1985, 8, 12), sex="M")
    assert len(warnings) == 1
    assert "perempuan" in warnings[0]


def test_matching_data_gives_no_warning():
    assert nik_warnings("1904015208850002", birth_date=dt.date(1985, 8, 12), sex="F") == []


def test_mask_keeps_first_and_last_four_digits():
    assert mask_nik("1904011208850012") == "1904••••••••0012"
