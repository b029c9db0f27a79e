import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cases.crypto import blind_index
from cases.nik import (
    looks_like_nik,
    mask_nik,
    nik_warnings,
    normalize_number,
    normalize_phone,
    parse_nik,
    validate_kk_number,
    validate_phone,
)


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


# Issue 10, fault 4: a NIK in other digits must not become a second spelling of the same NIK.
FULL_WIDTH_NIK = "１９０４０１１２０８８５０００１"
ARABIC_INDIC_NIK = "١٩٠٤٠١١٢٠٨٨٥٠٠٠١"


def test_full_width_nik_is_read_as_the_same_nik():
    assert normalize_number(FULL_WIDTH_NIK) == "1904011208850001"
    assert parse_nik(FULL_WIDTH_NIK).birth_day == 12


def test_arabic_indic_nik_is_refused_naming_the_nik():
    with pytest.raises(ValidationError) as excinfo:
        parse_nik(ARABIC_INDIC_NIK)
    assert excinfo.value.code == "nik_not_digits"
    assert excinfo.value.messages == ["NIK hanya boleh berisi angka 0-9."]


@pytest.mark.parametrize(
    "typed",
    [
        "1904\u200b0112\u200b0885\u200b0001",  # zero-width spaces (pasted from a chat)
        "1904\u00a00112\u00a00885\u00a00001",  # no-break spaces
        "\ufeff1904011208850001\u200d",  # byte order mark, zero-width joiner
        "1904.0112.0885.0001",
        "1904\u20130112\u20130885\u20130001",  # en dashes
    ],
)
def test_separators_and_invisible_characters_are_removed(typed):
    assert normalize_number(typed) == "1904011208850001"
    assert parse_nik(typed).region_prefix == "190401"


def in_digits(number: str, zero: str) -> str:
    """``number`` written with the digits of the script whose zero is ``zero``."""
    return "".join(chr(ord(zero) + int(digit)) for digit in number)


def test_the_issue_inputs_are_the_nik_in_other_digits():
    assert in_digits("1904011208850001", "０") == FULL_WIDTH_NIK
    assert in_digits("1904011208850001", "٠") == ARABIC_INDIC_NIK


def test_kk_number_in_full_width_passes_and_in_arabic_indic_is_refused():
    validate_kk_number(in_digits("1904010101200001", "０"))
    with pytest.raises(ValidationError) as excinfo:
        validate_kk_number(in_digits("1904010101200001", "٠"))
    assert excinfo.value.messages == ["Nomor KK hanya boleh berisi angka 0-9."]


def test_a_sixteen_digit_search_in_any_digits_is_treated_as_a_nik():
    # So it is kept out of URLs and logs, even when it cannot be a valid NIK.
    assert looks_like_nik(FULL_WIDTH_NIK)
    assert looks_like_nik(ARABIC_INDIC_NIK)
    assert not looks_like_nik("1904-2026-000012")


def test_blind_index_is_computed_on_the_normalised_number():
    assert blind_index(FULL_WIDTH_NIK) == blind_index("1904011208850001")
    assert blind_index("1904\u200b0112 0885.0001") == blind_index("1904011208850001")
    assert blind_index(ARABIC_INDIC_NIK) != blind_index("1904011208850001")


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("０８１２ ３４５６ ７８９０", "081234567890"),  # full-width, ideographic space
        ("+62 812-3456-7890", "+6281234567890"),
        ("(0761) 123\u200b456", "0761123456"),
    ],
)
def test_phone_numbers_are_normalised(typed, stored):
    validate_phone(typed)
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize("typed", ["٠٨١٢٣٤٥٦٧٨٩٠", "0812+3456", "0812 3456 ext 1"])
def test_phone_with_other_digits_or_a_plus_inside_is_refused(typed):
    with pytest.raises(ValidationError) as excinfo:
        validate_phone(typed)
    assert excinfo.value.messages == [
        "Nomor telepon hanya boleh berisi angka 0-9 (boleh diawali +)."
    ]
