"""A crash while handling a citizen's data never puts their NIK on an error page."""

import sys

from django.test import RequestFactory

from core.reporting import PersonalDataExceptionReporter

# Built at run time so the numbers do not appear in the source lines the report quotes.
NIK = "1904" + "011208850001"
KK = "1904" + "010101200001"


def test_error_page_hides_nik_in_post_data_messages_and_local_variables(settings):
    settings.DEBUG = True
    request = RequestFactory().post(
        "/kasus/baru/", {"applicant-nik": NIK, "kk_number": KK, "note": "x"}
    )
    applicant_nik = NIK  # a local variable the traceback would show
    try:
        raise ValueError(f"duplicate key (nik)=({applicant_nik})")
    except ValueError:
        reporter = PersonalDataExceptionReporter(request, *sys.exc_info())
        html = reporter.get_traceback_html()
        text = reporter.get_traceback_text()
    for report in (html, text):
        assert NIK not in report
        assert KK not in report
    assert "note" in html and "duplicate key" in html


def test_log_lines_and_tracebacks_mask_id_numbers():
    import logging

    from core.reporting import MaskIdNumbers

    try:
        raise ValueError(f"bad {NIK}")
    except ValueError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "person %s failed", (NIK,), sys.exc_info()
        )
    MaskIdNumbers().filter(record)
    line = logging.Formatter().format(record)
    assert NIK not in line and "person **** failed" in line and "ValueError" in line
