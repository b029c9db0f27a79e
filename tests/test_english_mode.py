"""English mode (issue 13): the catalogues in English, money and dates by language, each
language named in itself, and a language switch before signing in. Official documents (the
referral letter) stay in Bahasa Indonesia."""

from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from agencies.models import UserPreference
from agencies.services import set_user_language
from referrals.models import Referral
from tests.cases.test_views import FORM
from tests.conftest import api_token, intake, notice, referred_case
from tests.referrals.test_referral_pages import pdf_text
from tests.workflows.test_case_flow import accept_and_approve, deliver, refer, verify
from web.timeline.changes import rupiah

PBI_ID = "PBI-JK / KIS (jaminan kesehatan bersubsidi)"
PBI_EN = "PBI-JK / KIS (subsidised health insurance)"


def english(client: Client) -> Client:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def test_the_sign_in_page_switches_language_and_names_each_language_in_itself(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "Masuk ke Simpul" in page
    assert '<option value="id" lang="id" selected>Bahasa Indonesia</option>' in page
    assert '<option value="en" lang="en" >English</option>' in page
    page = english(client).get(reverse("login")).content.decode()
    assert "Log in to Simpul" in page
    # Still "Bahasa Indonesia", not "Indonesian": whoever cannot read English finds it.
    assert ">Bahasa Indonesia</option>" in page


def test_catalogue_entries_show_in_the_readers_language_but_not_on_the_letter(client, staff):
    case = referred_case(staff, nik="1904011208850001", services=["pbi-jk"])
    client.force_login(staff["backoffice"])
    assert PBI_ID in client.get(reverse("case_detail", args=[case.number])).content.decode()
    english(client)
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert PBI_EN in page and PBI_ID not in page
    assert "Poor (fakir miskin)" in page  # the PPKS category
    referral = Referral.objects.get(case=case)
    letter = pdf_text(client.get(reverse("referral_letter", args=[referral.pk])).content)
    assert PBI_ID in letter and PBI_EN not in letter
    services = client.get("/api/v1/services/", HTTP_ACCEPT_LANGUAGE="en").json()
    pbi = next(s for s in services if s["code"] == "pbi-jk")
    assert (pbi["name"], pbi["name_en"]) == (PBI_ID, PBI_EN)


def test_money_follows_the_language():
    with translation.override("id"):
        assert rupiah(Decimal("500000")) == "Rp 500.000"
    with translation.override("en"):
        assert rupiah(Decimal("500000")) == "Rp 500,000"


def test_a_delivery_on_the_referral_page_reads_as_each_language_writes_it(client, staff):
    case = intake(staff["petugas"]).case
    verify(staff, case)
    refer(staff, case, "pbi-jk")
    accept_and_approve(staff, case)
    deliver(staff, case, channel="cash", amount=Decimal("1250000"), items="")
    referral = Referral.objects.get(case=case)
    client.force_login(staff["dinkes"])
    page = client.get(reverse("referral_detail", args=[referral.pk])).content.decode()
    assert "Rp 1.250.000" in page
    page = english(client).get(reverse("referral_detail", args=[referral.pk])).content.decode()
    assert "Rp 1,250,000" in page


def test_pages_show_no_iso_dates_for_aid_already_received(client, staff):
    first = intake(staff["petugas"]).case
    verify(staff, first)
    refer(staff, first, "pbi-jk")
    accept_and_approve(staff, first)
    deliver(staff, first)
    delivered = Referral.objects.get(case=first).delivery.delivered_at
    client.force_login(staff["petugas"])
    page = client.post(
        reverse("case_open"), dict(FORM, requested_services=["jamkesda"], confirm_open_case="1")
    ).content.decode()
    panel = page.split('id="double-aid"', 1)[1].split("</div>", 1)[0]
    assert delivered.date().isoformat() not in panel
    assert f"{delivered.day} " in panel


def test_an_api_client_reads_its_own_language(staff):
    """A token request has no session: it reads the language the user chose, unless it
    names one (Accept-Language)."""
    notice([staff["peksos"]], "X-1")
    set_user_language(user=staff["peksos"], language="en")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(staff['peksos'])}")
    [item] = api.get("/api/v1/notifications/").json()["results"]
    assert item["message"].startswith("Verification (home visit) task for case X-1")
    [item] = api.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="id").json()["results"]
    assert item["message"].startswith("Tugas Verifikasi (kunjungan rumah) kasus X-1")


def test_the_language_chosen_on_the_sign_in_page_holds_and_a_first_choice_is_kept(staff):
    browser = Client()
    english(browser)
    browser.post(reverse("login"), {"username": "peksos", "password": "x-peksos"})
    assert "My tasks" in browser.get(reverse("inbox")).content.decode()
    assert UserPreference.objects.get(user=staff["peksos"]).language == "en"
    # On a PC where a colleague chose Indonesian, this session is Indonesian; the account
    # keeps English.
    colleague = Client()
    colleague.post(reverse("set_language"), {"language": "id", "next": "/"})
    colleague.post(reverse("login"), {"username": "peksos", "password": "x-peksos"})
    assert "Tugas saya" in colleague.get(reverse("inbox")).content.decode()
    assert UserPreference.objects.get(user=staff["peksos"]).language == "en"


def test_the_letter_check_names_the_service_as_the_letter_prints_it(client, staff):
    case = referred_case(staff, nik="1904011208850001", services=["pbi-jk"])
    code = Referral.objects.get(case=case).verification_code
    page = english(client).get(reverse("letter_check"), {"kode": code}).content.decode()
    assert PBI_ID in page and "Genuine and still valid" in page


def test_missing_documents_read_in_english(client, staff):
    case = intake(staff["petugas"]).case
    client.force_login(staff["petugas"])
    page = english(client).get(reverse("case_detail", args=[case.number])).content.decode()
    note = page.split('id="missing-documents"', 1)[1].split("</div>", 1)[0]
    assert "Identity card (KTP)" in note and "Kartu Keluarga (KK)" not in note
