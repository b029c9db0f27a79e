import io

from agencies.models import Region
from agencies.regions import bundled_rows, load_regions, read_rows
from agencies.selectors import regions_search


def test_small_list_builds_the_hierarchy(regions):
    nibung = Region.objects.get(code="19.04.01.2003")
    assert nibung.level == "village"
    assert nibung.parent.code == "19.04.01"
    assert nibung.parent.parent.name == "Kab. Bangka Tengah"
    assert Region.objects.get(code="19").level == "province"


def test_loading_twice_changes_nothing_and_renames_in_place(regions):
    report = load_regions([("19.04.01.2003", "Nibung"), ("19.04.01", "Koba Baru")])
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert Region.objects.get(code="19.04.01").name == "Koba Baru"


def test_csv_reader_skips_header_and_keeps_quoted_commas():
    rows = list(read_rows(io.StringIO('code,name\n12.07.28.1007,"Lubuk Pakam I,II"\n')))
    assert rows == [("12.07.28.1007", "Lubuk Pakam I,II")]


def test_region_search_by_parent_and_name_prefix(regions):
    assert [r.code for r in regions_search(parent="19.04", q="ko")] == ["19.04.01"]
    assert [r.code for r in regions_search(q="kota b")] == ["14.03.01.1001"]


def test_full_national_list_loads(db):
    report = load_regions(bundled_rows())
    assert report.created > 90_000
    assert Region.objects.filter(level="regency").count() >= 514
    assert Region.objects.get(code="11.01.01.2001").name == "Keude Bakongan"
    assert Region.objects.get(code="19.04").name == "Kab. Bangka Tengah"
    assert Region.objects.get(code="19.04.01.2003").parent_id == "19.04.01"
