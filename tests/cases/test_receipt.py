"""Tanda terima (issue 15): the receipt a citizen takes home from the intake desk."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cases.models import AccessLog
from tests.conftest import NIK_MALE, intake, referred_case


def _text(response) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_intake_officer_prints_a_receipt_with_what_was_requested(client, staff):
    case = intake(staff["petugas"]).case
    client.force_login(staff["petugas"])

    response = client.get(reverse("case_receipt", args=[case.number]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert NIK_MALE not in response["Content-Disposition"]
    text = _text(response)
    assert "TANDA TERIMA PERMOHONAN" in text and case.number in text
    assert "Budi Santoso" in text and "PBI" in text
    assert NIK_MALE not in text.replace(" ", "")  # masked: the paper leaves the office
    assert "Langkah berikutnya" in text and "mengunjungi" in text
    assert AccessLog.objects.filter(action="print", case=case, user=staff["petugas"]).exists()


@pytest.mark.parametrize("who", ["dinkes", "petugas_bks"])
def test_no_receipt_of_a_case_not_seen(client, staff, who):
    case = intake(staff["petugas"]).case
    client.force_login(staff[who])
    assert client.get(reverse("case_receipt", args=[case.number])).status_code == 404
    assert not AccessLog.objects.filter(action="print").exists()


def test_an_agency_seeing_a_referred_case_prints_no_receipt(client, staff):
    case = referred_case(staff, nik=NIK_MALE, services=["pbi-jk"])
    client.force_login(staff["dinkes"])
    assert client.get(reverse("case_receipt", args=[case.number])).status_code == 403


def test_the_case_page_offers_the_receipt_to_the_case_team_only(client, staff):
    case = referred_case(staff, nik=NIK_MALE, services=["pbi-jk"])
    url = reverse("case_receipt", args=[case.number])
    client.force_login(staff["petugas"])
    assert url in client.get(reverse("case_detail", args=[case.number])).content.decode()
    client.force_login(staff["dinkes"])
    assert url not in client.get(reverse("case_detail", args=[case.number])).content.decode()
