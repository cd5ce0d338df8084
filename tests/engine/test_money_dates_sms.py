"""What people type and read, below the web: kip amounts read in the page's locale, days in dd/mm/yyyy, SMS
texts that fit two Lao (UCS-2) SMS, place names on certificates, service search folding Lao spellings, and
validation messages that give the same hints in both languages."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from engine.dayformat import format_day, parse_day
from engine.money import MoneyError, format_kip, parse_kip


@pytest.mark.parametrize(("text", "locale", "amount"), [
    ("25,000", "en", 25000), ("25.000", "lo", 25000), ("25000", "lo", 25000), ("25 000", "en", 25000),
    ("₭25.000", "lo", 25000), ("1.500.000 ກີບ", "lo", 1500000), ("1,500,000 kip", "en", 1500000), ("0", "lo", 0),
])
def test_kip_is_read_in_the_page_locale(text, locale, amount):
    assert parse_kip(text, locale) == Decimal(amount)


@pytest.mark.parametrize(("text", "locale", "code"), [
    ("25,000.50", "en", "decimals"),   # main read this as 2,500,050 kip
    ("25.000,50", "lo", "decimals"),
    ("abc", "en", "not_a_number"), ("", "lo", "not_a_number"), ("-5", "en", "negative"),
    ("25,00", "en", "not_a_number"),  # a misplaced group separator is not silently dropped
])
def test_amounts_that_are_not_whole_kip_are_refused(text, locale, code):
    with pytest.raises(MoneyError) as err:
        parse_kip(text, locale)
    assert err.value.code == code


def test_decimals_when_a_service_declares_them_and_formatting():
    assert parse_kip("25,000.50", "en", decimals=2) == Decimal("25000.50")
    assert format_kip(1500000, "lo") == "1.500.000 ກີບ" and format_kip(1500000, "en") == "1,500,000 kip"


def test_days_in_lao_order_and_iso():
    assert parse_day("17/05/1990").isoformat() == "1990-05-17"
    assert parse_day("7/5/1990").isoformat() == "1990-05-07"
    assert parse_day("1990-05-17").isoformat() == "1990-05-17"
    for bad in ("31/02/2026", "05/17/1990", "17 May 1990", ""):
        with pytest.raises(ValueError):
            parse_day(bad)
    assert format_day("1990-05-17") == "17/05/1990"


def test_validation_messages_give_the_same_hints_in_both_languages():
    from engine.catalogue.forms import _MSG

    for key, (lo, en) in _MSG.items():
        assert sorted(re.findall(r"\d+|\{\w+\}", lo)) == sorted(re.findall(r"\d+|\{\w+\}", en)), key
        assert ("(" in lo) == ("(" in en), f"{key}: a hint in one language only"


def test_the_date_message_asks_for_the_format_the_form_uses():
    from engine.catalogue.forms import message

    assert "31/01/2026" in message("date", "lo") and "31/01/2026" in message("date", "en")


# ---- SMS ------------------------------------------------------------------------------------------------

LONG_REASON = ("ສຳເນົາປື້ມສຳມະໂນຄົວບໍ່ຊັດເຈນ ແລະ ລາຍເຊັນຂອງນາຍບ້ານຂາດ ກະລຸນານຳເອກະສານຕົ້ນສະບັບມາທີ່ສູນບໍລິການ "
               "ພາຍໃນສາມວັນເຮັດວຽກ ພ້ອມທັງບັດປະຈຳຕົວ ແລະ ຮູບຖ່າຍສອງໃບ")
URL = " https://odsc.moha.gov.la/status/ABCD2345JK"


def _segments_ucs2(text: str) -> int:
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else -(-units // 67)


def test_every_sms_template_fits_two_lao_sms_in_both_languages(app):
    from engine import notifications as n
    from engine.sms import segments

    with app.app_context():
        from engine.db import db
        from engine.models import ServiceVersion

        services = [v.definition for v in db.session.query(ServiceVersion).all()]
        longest_service = max((s["name"][lang] for s in services for lang in ("lo", "en")), key=len)
        longest_label = max((m["label"][lang] for s in services for m in s.get("milestones", [])
                             for lang in ("lo", "en")), key=len)
        longest_task = max((t["name"][lang] for s in services for t in s.get("tasks", {}).values()
                            if t.get("name") for lang in ("lo", "en")), key=len)
    texts = []
    for lang in ("lo", "en"):
        for milestone in ("received", "in_review", "approved", "ready", "completed", "rejected", "returned",
                          "payment", "cancelled"):
            texts.append(n.milestone_text(lang, milestone, code="ABCD-2345-JK", service=longest_service * 2,
                                          label=longest_label * 2, track=URL, reason=LONG_REASON, amount=1500000))
        for kind in ("reminder", "incident", "escalation"):
            texts.append(n.staff_text(kind, lang, code="ABCD-2345-JK", task=longest_task * 3,
                                      due="2026-12-31", who="ທ່ານ ສົມພອນ ວົງສະຫວັນ ແລະ ທ້າວ ບຸນມີ ພົມມະຈັນ"))
    assert len(texts) == 24
    for text in texts:
        # counted as Lao is sent: UCS-2, 67 per part once split (even an English text is held to it)
        assert _segments_ucs2(text) <= 2, (len(text), text)
        assert segments(text) <= 2
        assert "ABCD-2345-JK" in text


def test_sms_says_the_reason_when_returned_and_the_amount_when_payment_is_due():
    from engine.notifications import milestone_text

    returned = milestone_text("lo", "returned", code="ABCD-2345-JK", service="ໃບຢັ້ງຢືນທີ່ຢູ່", label="ສົ່ງຄືນ",
                              reason="ຂາດສຳເນົາບັດປະຈຳຕົວ", track=URL)
    assert "ຂາດສຳເນົາບັດປະຈຳຕົວ" in returned and URL.strip() in returned
    payment = milestone_text("lo", "payment", code="ABCD-2345-JK", service="ໃບຢັ້ງຢືນທີ່ຢູ່", label="ຊຳລະ",
                             amount=25000, track="")
    assert "25.000 ກີບ" in payment
    english = milestone_text("en", "payment", code="ABCD-2345-JK", service="Residence", label="Payment",
                             amount=25000)
    assert "25,000 kip" in english
    long = milestone_text("lo", "returned", code="ABCD-2345-JK", service="x", label="x", reason=LONG_REASON,
                          track=URL)
    assert long.endswith(URL) and "…" in long  # the reason is shortened, never the link


def test_segment_counting():
    from engine.sms import segments

    assert segments("a" * 160) == 1 and segments("a" * 161) == 2
    assert segments("ກ" * 70) == 1 and segments("ກ" * 71) == 2 and segments("ກ" * 134) == 2
    assert segments("ກ" * 135) == 3


# ---- certificates and search -------------------------------------------------------------------------

def test_place_names_are_not_doubled_on_certificates():
    from engine.certificates import sandbox

    template = sandbox().from_string("ນາຍ{{ v | prefixed('ບ້ານ') }}")
    assert template.render(v="ບ້ານ ໂພນພະເນົາ") == "ນາຍບ້ານ ໂພນພະເນົາ"
    assert template.render(v="ໂພນພະເນົາ") == "ນາຍບ້ານໂພນພະເນົາ"
    from pathlib import Path

    for path in Path("workflows").glob("*/certificate.html.j2"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"ບ້ານ\{\{\s*answer\.village\s*\}\}", text), path


def test_service_search_folds_lao_spellings(app):
    from engine.search import fold, search_services

    assert fold("ນໍ້າ") == fold("ນ້ຳ") and fold("ຫຼວງ") == fold("ຫລວງ")
    with app.app_context():
        found = search_services("ທີ່ຢູ່")
        assert [s["id"] for s in found] == ["residence_certificate"]
        assert len(found[0]["centres"]) > 1  # offered at several centres
        assert search_services("residence")[0]["id"] == "residence_certificate"
        assert search_services("   ") == [] and search_services("zzzz") == []
