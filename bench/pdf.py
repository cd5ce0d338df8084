"""`python -m bench pdf`: how long a receipt and a certificate take to render (Lao text shaped by HarfBuzz,
segmented for wrapping, vector QR code), against a baseline measured in the same run: a one-page fpdf2
document with the same amount of English text in a core font (no embedding, no shaping, no QR).

Prints JSON lines: milliseconds per document (median of N, default 30) and the ratio to the baseline;
also the word segmenter's speed on a long Lao paragraph.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import date, datetime


def emit(**row) -> None:
    print(json.dumps(row, ensure_ascii=False), flush=True)


RECEIPT = {
    "locale": "lo", "centre": {"lo": "ສູນບໍລິການຜ່ານປະຕູດຽວ ເມືອງໄຊເສດຖາ", "en": "Xaysettha ODSC"},
    "centre_address": {"lo": "ບ້ານ ນາໄຊ, ເມືອງໄຊເສດຖາ, ນະຄອນຫຼວງວຽງຈັນ"},
    "service": {"lo": "ໃບຢັ້ງຢືນທີ່ຢູ່", "en": "Residence certificate"}, "tracking_code": "XS7K-42PQ-M3",
    "status_url": "https://odsc.example.la/status/XS7K42PQM3", "submitted_at": datetime(2026, 11, 25, 7, 0),
    "due_date": date(2026, 11, 26), "fee_amount": 25000, "channel": "desk", "applicant": "ທ້າວ ສົມຊາຍ ພົມມະຈັນ",
    "received": [{"label": {"lo": "ປື້ມສຳມະໂນຄົວ ສະບັບຕົ້ນ ແລະ ສຳເນົາ"}, "files": ["family-book.pdf"]}],
    "checklist": [{"lo": "ປື້ມສຳມະໂນຄົວ ສະບັບຕົ້ນ ແລະ ສຳເນົາ"}, {"lo": "ບັດປະຈຳຕົວ"}],
}
BODY = ("<h1 align=\"center\">ໃບຢັ້ງຢືນທີ່ຢູ່</h1><p>ອີງຕາມຄຳຮ້ອງຂອງຜູ້ກ່ຽວ ແລະ ການຢັ້ງຢືນຂອງນາຍບ້ານ, "
        "ສູນບໍລິການຜ່ານປະຕູດຽວ ເມືອງໄຊເສດຖາ ຂໍຢັ້ງຢືນວ່າ ຜູ້ກ່ຽວໄດ້ອາໄສຢູ່ບ້ານນາໄຊ ເມືອງໄຊເສດຖາ ນະຄອນຫຼວງວຽງຈັນ ແທ້.</p>"
        "<table width=\"100%\"><tr><td width=\"40%\">ຊື່ ແລະ ນາມສະກຸນ</td><td width=\"60%\">ທ້າວ ສົມຊາຍ ພົມມະຈັນ</td></tr>"
        "<tr><td>ບ້ານ</td><td>ນາໄຊ</td></tr></table><p>ໃບຢັ້ງຢືນສະບັບນີ້ມີຜົນສັກສິດສາມເດືອນ ນັບແຕ່ວັນລົງລາຍເຊັນເປັນຕົ້ນໄປ.</p>")
CERTIFICATE = {
    "locale": "lo", "service": RECEIPT["service"], "centre": RECEIPT["centre"], "number": "XAYSETTHA-2026-000001",
    "issued_at": datetime(2026, 11, 25, 8, 0), "body_html": BODY, "approver": "ທ່ານ ສົມພອນ",
    "verify_url": "https://odsc.example.la/verify/XAYSETTHA-2026-000001", "signature": "ab" * 32,
}


def baseline() -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for _ in range(14):
        pdf.multi_cell(0, 6, "Residence certificate receipt for application XS7K-42PQ-M3 at Xaysettha centre.",
                       new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def timed(fn, n: int) -> float:
    fn()  # warm up (fonts parsed, dictionary loaded)
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench pdf")
    parser.add_argument("-n", type=int, default=30)
    args = parser.parse_args(argv)
    from engine.pdf import render_certificate, render_receipt, segment

    base = timed(baseline, args.n)
    emit(bench="pdf", what="baseline: English page, core font, no shaping", ms=round(base, 2))
    for name, fn in (("receipt (lo)", lambda: render_receipt(RECEIPT)),
                     ("receipt (en)", lambda: render_receipt({**RECEIPT, "locale": "en"})),
                     ("certificate (lo)", lambda: render_certificate(CERTIFICATE))):
        ms = timed(fn, args.n)
        emit(bench="pdf", what=name, ms=round(ms, 2), ratio_to_baseline=round(ms / base, 1),
             bytes=len(fn()))
    text = "ໃບຢັ້ງຢືນວ່າຜູ້ຍື່ນຄຳຮ້ອງອາໄສຢູ່ບ້ານແລະເມືອງນີ້ແທ້ນາຍບ້ານຢັ້ງຢືນກ່ອນຈາກນັ້ນເມືອງເຊັນແລະປະທັບຕາ" * 10
    ms = timed(lambda: segment(text), args.n)
    emit(bench="pdf", what="segment Lao paragraph", chars=len(text), ms=round(ms, 2),
         chars_per_ms=round(len(text) / ms))
    return 0
