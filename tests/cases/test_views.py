import datetime as dt

import pytest
from django.db import connection
from django.template.defaultfilters import date as date_filter
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.timezone import localtime

from cases.models import Case, Person
from tests.conftest import NIBUNG, NIK_FEMALE, NIK_MALE, intake, person

FORM = {
    "kind": "service_request",
    "channel": "walk_in",
    "priority": "normal",
    "ppks_category": "fakir-miskin",
    "description": "KIS PBI dinonaktifkan.",
    "requested_services": ["pbi-jk"],
    "beneficiary_is_applicant": "on",
    "kk_number": "1904010101200001",
    "relationship": "head",
    "applicant-nik": NIK_MALE,
    "applicant-full_name": "Budi Santoso",
    "applicant-birth_place": "Koba",
    "applicant-birth_date": "1985-08-12",
    "applicant-sex": "M",
    "applicant-region": NIBUNG,
    "applicant-rt": "002",
    "applicant-rw": "001",
}


@pytest.fixture
def petugas_client(client, staff):
    client.force_login(staff["petugas"])
    return client


def test_login_page_is_indonesian_and_logs_in(client, staff):
    page = client.get(reverse("login"))
    assert "Masuk ke Simpul" in page.content.decode()
    response = client.post(reverse("login"), {"username": "petugas", "password": "x-petugas"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_login_is_locked_after_repeated_failures(client, staff):
    for _attempt in range(5):
        client.post(reverse("login"), {"username": "petugas", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "petugas", "password": "x-petugas"})
    assert response.status_code == 429
    assert "dikunci" in response.content.decode()


def test_pages_need_a_login(client, regions):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_intake_officer_opens_a_case_through_the_form(petugas_client):
    page = petugas_client.get(reverse("case_open"))
    assert "Buka kasus" in page.content.decode()
    response = petugas_client.post(reverse("case_open"), FORM)
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("case_detail", args=[case.number])
    detail = petugas_client.get(response["Location"]).content.decode()
    assert case.number in detail and "Budi Santoso" in detail
    assert f"<title>{case.number} · Simpul</title>" in detail
    assert NIK_MALE not in detail  # masked
    assert "1904••••••••0001" in detail
    assert case.beneficiary.family.kk_number == "1904010101200001"


def test_form_errors_are_shown_next_to_their_fields_and_nothing_is_saved(petugas_client):
    data = dict(FORM, **{"applicant-nik": "19040112088500"}, description="")
    response = petugas_client.post(reverse("case_open"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "NIK harus 16 digit (yang diisi 14 digit)." in body
    assert "Uraian kebutuhan wajib diisi." in body
    assert Case.objects.count() == 0 and Person.objects.count() == 0


def test_likely_duplicate_asks_the_officer_before_saving(petugas_client, staff):
    existing = intake(staff["petugas"]).case.beneficiary
    data = dict(
        FORM,
        **{"applicant-nik": "", "applicant-no_nik_reason": "KTP hilang"},
        **{"applicant-full_name": "Budi Santosa"},
    )
    response = petugas_client.post(reverse("case_open"), data)
    assert response.status_code == 200
    assert "Kemungkinan data ganda" in response.content.decode()
    assert Case.objects.count() == 1
    # The officer picks the registered person: the case links to them.
    response = petugas_client.post(
        reverse("case_open"), dict(data, **{"applicant-existing_person_id": existing.pk})
    )
    # ... who already has an open PBI-JK case: asked next, then confirmed.
    assert response.status_code == 200 and 'id="open-cases"' in response.content.decode()
    response = petugas_client.post(
        reverse("case_open"),
        dict(data, confirm_open_case="1", **{"applicant-existing_person_id": existing.pk}),
    )
    assert response.status_code == 302
    assert Case.objects.latest("pk").beneficiary == existing
    assert Person.objects.count() == 1


def test_officer_can_confirm_a_new_person_despite_a_likely_duplicate(petugas_client, staff):
    intake(staff["petugas"])
    data = dict(
        FORM,
        **{"applicant-nik": "", "applicant-no_nik_reason": "KTP hilang"},
        **{"applicant-full_name": "Budi Santosa"},
        confirm_new="1",
    )
    assert petugas_client.post(reverse("case_open"), data).status_code == 302
    assert Person.objects.count() == 2


def test_other_regency_sees_neither_list_row_nor_detail(client, staff):
    case = intake(staff["petugas"]).case
    client.force_login(staff["petugas_bks"])
    assert case.number not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("case_detail", args=[case.number])).status_code == 404


def test_agency_staff_sees_no_unreferred_case(client, staff):
    case = intake(staff["petugas"]).case
    client.force_login(staff["dinkes"])
    assert client.get(reverse("case_detail", args=[case.number])).status_code == 404
    assert client.get(reverse("case_open")).status_code == 404
    assert "Belum ada kasus" in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("role", ["petugas", "peksos", "backoffice", "manajer"])
def test_case_team_in_the_area_sees_the_case(client, staff, role):
    case = intake(staff["petugas"]).case
    client.force_login(staff[role])
    assert client.get(reverse("case_detail", args=[case.number])).status_code == 200


def test_search_by_case_number_name_and_full_nik(petugas_client, staff):
    budi = intake(staff["petugas"]).case
    siti = intake(
        staff["petugas"], applicant=person(nik=NIK_FEMALE, sex="F", full_name="Siti Aminah")
    ).case
    for q, shown, hidden in [
        (siti.number, siti, budi),
        ("aminah", siti, budi),
        (NIK_MALE, budi, siti),
    ]:
        body = petugas_client.post(reverse("home"), {"q": q}, follow=True).content.decode()
        assert shown.number in body and hidden.number not in body


def test_a_nik_search_never_puts_the_nik_in_a_url(petugas_client, staff):
    budi = intake(staff["petugas"]).case
    response = petugas_client.post(reverse("home"), {"q": "1904 0112 0885 0001"})
    assert response.status_code == 200  # answered at once, no redirect to ?q=<NIK>
    assert budi.number in response.content.decode()
    name_search = petugas_client.post(reverse("home"), {"q": "budi", "stage": "verification"})
    assert name_search["Location"] == "/?q=budi&stage=verification"
    # A NIK typed into the address bar is not searched (nor echoed back).
    typed = petugas_client.get(reverse("home"), {"q": NIK_MALE}, follow=True)
    assert typed.redirect_chain == [("/", 302)]
    assert "Cari NIK atau nomor KK lewat kotak pencarian" in typed.content.decode()
    assert NIK_MALE not in typed.content.decode()


def test_case_list_filters_by_stage_and_own_cases_and_shows_the_next_deadline(client, staff):
    budi = intake(staff["petugas"]).case
    other = intake(
        staff["backoffice"], applicant=person(nik=NIK_FEMALE, sex="F", full_name="Siti Aminah")
    ).case
    client.force_login(staff["backoffice"])
    body = client.get(reverse("home"), {"mine": "1"}).content.decode()
    assert other.number in body and budi.number not in body
    assert "Tenggat berikutnya" in body
    due = budi.work_items.get().due_at
    listing = client.get(reverse("home")).content.decode()
    with translation.override("id"):
        next_due = date_filter(localtime(due), "j M Y")
        assert f'<td data-label="Tenggat berikutnya">{next_due}</td>' in listing
    assert (
        "Tidak ada kasus dengan saringan ini."
        in client.get(reverse("home"), {"stage": "closed"}).content.decode()
    )


def _open_many(actor, n):
    for i in range(n):
        intake(
            actor,
            applicant=person(
                nik=f"19040112088{i:05d}", birth_date=dt.date(1988, 8, 12), full_name=f"Warga {i}"
            ),
        )


def test_case_list_query_count_does_not_grow_with_rows(petugas_client, staff):
    _open_many(staff["petugas"], 2)
    with CaptureQueriesContext(connection) as small:
        assert petugas_client.get(reverse("home")).status_code == 200
    _open_many(staff["petugas"], 30)
    with CaptureQueriesContext(connection) as large:
        body = petugas_client.get(reverse("home")).content.decode()
    assert len(small) == len(large)
    assert "Halaman 1 dari 2" in body


def test_case_list_takes_exactly_nine_queries(petugas_client, staff, django_assert_num_queries):
    """The case list's query count, pinned (Zulip's ``assert_database_query_count`` habit):
    the test above says it does not grow with the rows, this one says what it is, so a query
    added anywhere on the way (middleware, context processor, template) fails here. The same
    nine on SQLite and PostgreSQL:

    1. the session; 2. the signed-in user; 3. the user's memberships with their agency,
    office and area (read once per request, ``config.middleware.MembershipCacheMiddleware``);
    4. the paginator's COUNT of the visible cases; 5. the bell's unread notifications
    (``workflows.context_processors``); 6. the page's cases, with beneficiary, region, PPKS
    category, opener and the nearest open-task deadline joined in (``web.selectors.case_list``);
    and, drawn with the filter form, the regions, services and agencies the user may pick
    (``web.case_filters``): nine in all.
    """
    _open_many(staff["petugas"], 3)
    numbers = list(Case.objects.values_list("number", flat=True))
    with django_assert_num_queries(9):
        body = petugas_client.get(reverse("home")).content.decode()
    assert len(numbers) == 3 and all(number in body for number in numbers)
    assert all(f"Warga {i}" in body for i in range(3))


def test_english_is_selectable(petugas_client):
    petugas_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Open case" in petugas_client.get(reverse("home")).content.decode()


def test_indonesian_even_when_the_browser_asks_for_english(petugas_client):
    page = petugas_client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Buka kasus" in page.content.decode()


def test_language_choice_is_kept_on_the_account_for_the_next_sign_in(client, staff):
    from django.test import Client

    from agencies.models import UserPreference

    client.force_login(staff["petugas"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert UserPreference.objects.get(user=staff["petugas"]).language == "en"
    # Another device: no language cookie, but the account remembers English.
    phone = Client()
    phone.force_login(staff["petugas"])
    assert "Open case" in phone.get(reverse("home")).content.decode()
    # Other officers keep the default.
    other = Client()
    other.force_login(staff["backoffice"])
    assert "Buka kasus" in other.get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    "username, page",
    [
        ("petugas", "home"),
        ("peksos", "inbox"),
        ("backoffice", "inbox"),
        ("manajer", "dashboard"),
        ("dinkes", "agency_queue"),
        ("kadinkes", "agency_queue"),
    ],
)
def test_each_role_starts_on_the_page_it_works_from(client, staff, username, page):
    response = client.post(
        reverse("login"), {"username": username, "password": f"x-{username}"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(page)
    assert response.status_code == 200


def test_an_administrator_without_a_role_starts_on_the_settings(client, staff):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("root", password="x-root")
    response = client.post(reverse("login"), {"username": "root", "password": "x-root"})
    assert client.get(response["Location"])["Location"] == reverse("admin:index")
