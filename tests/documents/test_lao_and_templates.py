"""Lao typesetting (word segmentation for wrapping) and the designers' certificate templates (sandboxed)."""
from __future__ import annotations

import pytest

from engine.certificates import check_template, render_body
from engine.pdf.lao import ZWSP, segment, tokenize
from engine.pdf.render import sanitize_html


def test_words_are_split_at_word_boundaries():
    assert tokenize("ໃບຢັ້ງຢືນທີ່ຢູ່") == ["ໃບຢັ້ງຢືນ", "ທີ່ຢູ່"]
    assert tokenize("ພາສາລາວໃນປັດຈຸບັນ") == ["ພາສາ", "ລາວ", "ໃນ", "ປັດຈຸບັນ"]
    assert "ສູນ" in tokenize("ສູນບໍລິການຜ່ານປະຕູດຽວ") and "ບໍລິການ" in tokenize("ສູນບໍລິການຜ່ານປະຕູດຽວ")


def test_both_spellings_are_known():
    for word in ("ນ້ຳ", "ນໍ້າ", "ຫຼວງ", "ຫລວງ", "ໝໍ", "ຫມໍ"):
        assert tokenize(word) == [word], word


@pytest.mark.parametrize("text", [
    "ສາທາລະນະລັດ ປະຊາທິປະໄຕ ປະຊາຊົນລາວ",
    "ທ້າວ ສົມຊາຍ ເກີດວັນທີ 9 ກັນຍາ 2021 ທີ່ໂຮງໝໍມະໂຫສົດ, ນະຄອນຫຼວງວຽງຈັນ (Vientiane).",
    "ກກກກກກກກກກກກກກກກກກກກກກກກກກ ໄໄໄໄ ເເເເເ ່່່ ໆໆ",
])
def test_segmenting_never_changes_the_text_nor_splits_a_cluster(text):
    out = segment(text)
    assert out.replace(ZWSP, "") == text
    marks = set("\u0eb0\u0eb1\u0eb2\u0eb3\u0eb4\u0eb5\u0eb6\u0eb7\u0eb8\u0eb9\u0eba\u0ebb\u0ebc\u0ebd\u0ec6"
                "\u0ec8\u0ec9\u0eca\u0ecb\u0ecc\u0ecd")
    for i, ch in enumerate(out):
        if ch == ZWSP:
            assert out[i + 1] not in marks and out[i - 1] not in "ເແໂໃໄ"


def test_a_long_paragraph_is_segmented_quickly():
    import time

    text = "ໃບຢັ້ງຢືນວ່າຜູ້ຍື່ນຄຳຮ້ອງອາໄສຢູ່ບ້ານແລະເມືອງນີ້ແທ້ນາຍບ້ານຢັ້ງຢືນກ່ອນຈາກນັ້ນເມືອງເຊັນແລະປະທັບຕາ" * 20
    segment("ລາວ")  # load the dictionary
    started = time.perf_counter()
    out = segment(text)
    assert time.perf_counter() - started < 0.5
    assert out.count(ZWSP) > 300


def test_sanitizer_keeps_layout_and_drops_active_content():
    html = sanitize_html('<h1 onclick="x()">ໃບຢັ້ງຢືນ</h1><img src="/etc/passwd"><script>alert(1)</script>'
                         '<a href="http://evil">ລິ້ງ</a><div style="x">ຂໍ້ຄວາມ</div><table><tr><td width="40%">ກ</td></tr>')
    assert "<h1>" in html and "onclick" not in html
    assert "img" not in html and "script" not in html and "alert" not in html and "href" not in html
    assert "ລິ້ງ" in html  # the link text stays
    assert '<p line-height="1.6">ຂໍ້' in html  # div becomes a paragraph with room for Lao marks
    assert '<td width="40%">' in html and html.endswith("</table>")


def test_template_syntax_errors_are_catalogue_problems():
    assert check_template("<p>{{ number }}</p>") == []
    problems = check_template("<p>{% for x in rows %}</p>")
    assert problems and "certificate template" in problems[0][0] and problems[0][1] == 1


def test_catalogue_loader_reads_the_template_and_reports_errors(tmp_path):
    import shutil

    from engine.catalogue.loader import load_catalogue
    from tests.conftest import ROOT

    cat = load_catalogue(ROOT)
    assert "ໃບຢັ້ງຢືນທີ່ຢູ່" in cat.services["residence_certificate"].definition["certificate"]
    assert "certificate" not in cat.services["family_book_change"].definition  # the default applies
    shutil.copytree(ROOT / "workflows", tmp_path / "workflows")
    shutil.copytree(ROOT / "forms", tmp_path / "forms")
    (tmp_path / "workflows" / "birth_certificate" / "certificate.html.j2").write_text("{% if %}", "utf-8")
    broken = load_catalogue(tmp_path)
    assert any(p.file == "workflows/birth_certificate/certificate.html.j2" for p in broken.errors)
    assert "birth_certificate" not in broken.services


def test_templates_run_in_a_sandbox_and_escape_answers(app):
    with app.app_context():
        fields = {"data": {"applicant_name": '<img src="/etc/passwd">'}, "rows": [], "service": {"lo": "ບໍລິການ"},
                  "centre": {"lo": "ສູນ"}, "tracking_code": "X", "fee": "0 ກີບ"}
        body, error = render_body("<p>{{ data.applicant_name }}</p>", fields)
        assert error is None and "&lt;img" in body
        body, error = render_body("{{ ''.__class__.__mro__[1].__subclasses__() }}", fields)
        assert error and "SecurityError" in error or "unsafe" in (error or "")
        assert "ບໍລິການ" in body  # fell back to the default template
        body, error = render_body("{{ missing.deeply.nested }}<p>ok</p>", fields)
        assert error is None and "<p>ok</p>" in body


def test_a_certificate_template_is_compiled_once_per_text():
    """Issuing many certificates of one service version compiles its template once (issue 17)."""
    from engine import certificates

    text = "<p>{{ data.applicant_name }} {{ number }}</p>"
    first = certificates.compiled_template(text)
    assert certificates.compiled_template(text) is first
    assert certificates.compiled_template(text + " ") is not first
    html, error = certificates.render_body(text, {"data": {"applicant_name": "ສົມຊາຍ"}, "number": "C-1"})
    assert error is None and html == "<p>ສົມຊາຍ C-1</p>"
