"""Receipts and certificates as PDF: fpdf2 with embedded Noto Sans Lao (Noto Sans for Latin), HarfBuzz text
shaping (Lao vowels and tone marks), Lao word segmentation before wrapping, and vector QR codes (segno)."""
from __future__ import annotations

from datetime import date, datetime
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import segno
from babel.dates import format_date as _babel_date
from fpdf import FPDF, FontFace, TextStyle
from fpdf.enums import XPos, YPos

from engine.pdf.lao import segment

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "ODSCLao"  # Noto Sans Lao + Latin of Noto Sans in one font (fonts/build_fonts.py)
LATIN = FAMILY
VIENTIANE = ZoneInfo("Asia/Vientiane")
LINE = 1.6  # line height as a multiple of the font size: Lao needs room above and below

NATIONAL_HEADER = ("ສາທາລະນະລັດ ປະຊາທິປະໄຕ ປະຊາຊົນລາວ",
                   "ສັນຕິພາບ ເອກະລາດ ປະຊາທິປະໄຕ ເອກະພາບ ວັດທະນະຖາວອນ")

LABELS = {
    "receipt": ("ໃບຮັບຄຳຮ້ອງ", "Application receipt"),
    "centre": ("ສູນບໍລິການ", "Centre"),
    "service": ("ບໍລິການ", "Service"),
    "tracking": ("ລະຫັດຕິດຕາມ", "Tracking code"),
    "submitted": ("ວັນທີຍື່ນ", "Submitted on"),
    "due": ("ກຳນົດສຳເລັດ", "Due date"),
    "fee": ("ຄ່າທຳນຽມ", "Fee"),
    "applicant": ("ຜູ້ຍື່ນຄຳຮ້ອງ", "Applicant"),
    "channel": ("ຊ່ອງທາງ", "Channel"),
    "documents": ("ເອກະສານທີ່ໄດ້ຮັບ", "Documents received"),
    "checklist": ("ເອກະສານທີ່ບໍລິການນີ້ຕ້ອງການ (ນຳຕົ້ນສະບັບມາ)", "Documents this service requires (bring the originals)"),
    "scan": ("ສະແກນ QR ເພື່ອຕິດຕາມສະຖານະຄຳຮ້ອງຂອງທ່ານ", "Scan the QR code to follow your application"),
    "keep": ("ກະລຸນາເກັບໃບຮັບນີ້ໄວ້ ແລະ ນຳມາເມື່ອມາຮັບເອກະສານ",
             "Please keep this receipt and bring it when you collect your document"),
    "number": ("ເລກທີ", "No."),
    "date": ("ວັນທີ", "Date"),
    "approved_by": ("ຜູ້ອະນຸມັດ", "Approved by"),
    "decided_by": ("ຜູ້ພິຈາລະນາ", "Decided by"),
    "verify": ("ກວດສອບຄວາມແທ້ຂອງເອກະສານນີ້ໄດ້ທີ່", "Verify this document at"),
    "signature": ("ລາຍເຊັນດິຈິຕອນ", "Digital signature"),
    "online": ("ອອນລາຍ", "online"),
    "desk": ("ທີ່ເຄົາເຕີ", "at the desk"),
    "api": ("API", "API"),
}


def label(key: str, locale: str) -> str:
    lo, en = LABELS[key]
    return lo if locale == "lo" else en


def pick(text, locale: str) -> str:
    if not isinstance(text, dict):
        return "" if text is None else str(text)
    return text.get(locale) or text.get("lo") or text.get("en") or ""


def kip(amount, locale: str) -> str:
    from engine.money import format_kip

    return format_kip(amount, locale)


def day(value, locale: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.replace(tzinfo=ZoneInfo("UTC")).astimezone(VIENTIANE).date() if value.tzinfo is None \
            else value.astimezone(VIENTIANE).date()
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return _babel_date(value, format="long" if locale == "lo" else "medium", locale=locale)


# ---- the document -----------------------------------------------------------------------------------

class LaoPDF(FPDF):
    def __init__(self):
        super().__init__(format="A4", unit="mm")
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(True, margin=18)
        for style, file in (("", "Regular"), ("B", "Bold")):  # no italic: the sanitizer drops <i>/<em>
            self.add_font(FAMILY, style, str(FONTS / f"ODSCNotoSansLao-{file}.ttf"))
        self.set_text_shaping(True)
        self.set_font(FAMILY, size=11)
        self.set_creator("ODSC platform")
        self.set_lang("lo")

    def para(self, text: str, size: float = 11, style: str = "", align: str = "L", w: float = 0,
             line: float = LINE) -> None:
        """A wrapped paragraph: Lao words segmented first so lines break between words."""
        self.set_font(FAMILY, style, size)
        self.multi_cell(w, size * 0.3528 * line, segment(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def field(self, name: str, value: str, size: float = 11, label_w: float = 48) -> None:
        """A label and its value side by side; the value wraps in its column."""
        self.set_font(FAMILY, "", size)
        height = size * 0.3528 * LINE
        y = self.get_y()
        if y + height > self.page_break_trigger:
            self.add_page()
            y = self.get_y()
        self.set_text_color(90, 90, 90)
        self.multi_cell(label_w, height, segment(name), new_x=XPos.RIGHT, new_y=YPos.TOP)
        y_label = self.get_y()
        self.set_xy(self.l_margin + label_w, y)
        self.set_text_color(0, 0, 0)
        self.set_font(FAMILY, "B", size)
        self.multi_cell(self.epw - label_w, height, segment(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_y(max(self.get_y(), y_label, y + height))

    def qr(self, payload: str, x: float, y: float, size: float) -> None:
        """The QR code as vector squares (sharp at any zoom, decodable from a rendered page)."""
        code = segno.make(payload, error="m")
        rows = [list(row) for row in code.matrix_iter(border=2)]
        module = size / len(rows)
        self.set_fill_color(255, 255, 255)
        self.rect(x, y, size, size, style="F")
        self.set_fill_color(0, 0, 0)
        for r, row in enumerate(rows):
            c = 0
            while c < len(row):
                if row[c]:
                    start = c
                    while c < len(row) and row[c]:
                        c += 1
                    self.rect(x + start * module, y + r * module, (c - start) * module, module, style="F")
                else:
                    c += 1

    def rule(self, gap: float = 2) -> None:
        self.ln(gap)
        self.set_draw_color(160, 160, 160)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(gap)


def national_header(pdf: LaoPDF) -> None:
    pdf.para(NATIONAL_HEADER[0], size=12, style="B", align="C")
    pdf.para(NATIONAL_HEADER[1], size=11, align="C")
    pdf.ln(2)


# ---- receipt ----------------------------------------------------------------------------------------

def render_receipt(info: dict) -> bytes:
    """A one-page receipt in `info['locale']`: centre, service, tracking code and QR to the status page,
    documents received, fee and due date."""
    loc = info.get("locale") or "lo"
    pdf = LaoPDF()
    pdf.set_title(f"{label('receipt', loc)} {info['tracking_code']}")
    pdf.add_page()
    national_header(pdf)
    pdf.para(pick(info["centre"], loc), size=12, style="B")
    if info.get("centre_address"):
        pdf.para(pick(info["centre_address"], loc), size=9.5)
    pdf.ln(2)
    pdf.para(label("receipt", loc), size=18, style="B", align="C")
    pdf.ln(1)
    top = pdf.get_y()
    qr_size = 36
    pdf.qr(info["status_url"], pdf.w - pdf.r_margin - qr_size, top, qr_size)
    pdf.set_right_margin(pdf.r_margin + qr_size + 4)
    pdf.field(label("tracking", loc), info["tracking_code"], size=13)
    pdf.field(label("service", loc), pick(info["service"], loc))
    if info.get("applicant"):
        pdf.field(label("applicant", loc), info["applicant"])
    pdf.field(label("submitted", loc), day(info.get("submitted_at"), loc))
    pdf.set_right_margin(20)
    pdf.set_y(max(pdf.get_y(), top + qr_size + 1))
    pdf.field(label("due", loc), day(info.get("due_date"), loc))
    pdf.field(label("fee", loc), kip(info.get("fee_amount"), loc))
    pdf.field(label("channel", loc), label(info.get("channel") or "online", loc))
    pdf.rule()
    # only what was actually attached is "received"; the rest is listed as still to bring
    pdf.para(label("documents", loc), size=11, style="B")
    for item in info.get("received") or []:
        pdf.para("•  " + pick(item["label"], loc) + "  (" + ", ".join(item["files"]) + ")", size=10.5)
    if not info.get("received"):
        pdf.para("–", size=10.5)
    if info.get("checklist"):
        pdf.ln(1)
        pdf.para(label("checklist", loc), size=11, style="B")
        for item in info["checklist"]:
            pdf.para("•  " + pick(item, loc), size=10.5)
    pdf.rule()
    pdf.para(label("scan", loc), size=10)
    pdf.set_font(LATIN, "", 9)
    pdf.cell(0, 5, info["status_url"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.para(label("keep", loc), size=10, style="B")
    return bytes(pdf.output())


# ---- certificate ------------------------------------------------------------------------------------

ALLOWED = {
    "h1": {"align"}, "h2": {"align"}, "h3": {"align"}, "h4": {"align"}, "p": {"align", "line-height"},
    "center": set(), "blockquote": set(), "br": set(), "hr": set(), "b": set(), "strong": set(), "u": set(),
    "table": {"width", "border", "align"}, "thead": set(), "tbody": set(), "tr": set(),
    "td": {"width", "align", "colspan", "rowspan"}, "th": {"width", "align", "colspan", "rowspan"},
    "ul": set(), "ol": set(), "li": {"line-height"}, "font": {"size", "color"},
}
RENAMED = {"div": "p", "section": "p", "article": "p", "header": "p", "footer": "p", "h5": "h4", "h6": "h4"}
DROPPED_WITH_CONTENT = {"script", "style", "title", "head", "img", "svg", "object", "iframe"}
VOID = {"br", "hr"}


class _Sanitizer(HTMLParser):
    """Keep an allowlisted subset of HTML (no links, images or scripts), segment Lao text for wrapping, and
    give paragraphs a Lao-friendly line height."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in DROPPED_WITH_CONTENT:
            if tag not in ("img",):
                self.skip += 1
            return
        if self.skip:
            return
        tag = RENAMED.get(tag, tag)
        if tag not in ALLOWED:
            return
        kept = {k: v for k, v in attrs if k in ALLOWED[tag] and v is not None}
        if tag in ("p", "li") and "line-height" not in kept:
            kept["line-height"] = str(LINE)
        attr_text = "".join(f' {k}="{escape(v, quote=True)}"' for k, v in kept.items())
        self.out.append(f"<{tag}{attr_text}>")
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in DROPPED_WITH_CONTENT:
            if tag not in ("img",):
                self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        tag = RENAMED.get(tag, tag)
        if tag in ALLOWED and tag not in VOID and tag in self.open:
            while self.open:
                top = self.open.pop()
                self.out.append(f"</{top}>")
                if top == tag:
                    break

    def handle_data(self, data):
        if not self.skip:
            self.out.append(escape(segment(data), quote=False))

    def result(self) -> str:
        self.close()
        return "".join(self.out) + "".join(f"</{t}>" for t in reversed(self.open))


def sanitize_html(html: str) -> str:
    parser = _Sanitizer()
    parser.feed(html)
    return parser.result()


def _tag_styles() -> dict:
    def heading(size):
        return TextStyle(font_family=FAMILY, font_style="B", font_size_pt=size, color=(0, 0, 0),
                         t_margin=4, b_margin=0.25)  # b_margin is a fraction of the heading size
    return {"h1": heading(18), "h2": heading(15), "h3": heading(13), "h4": heading(12),
            "p": TextStyle(font_family=FAMILY, t_margin=2),
            "b": FontFace(emphasis="BOLD"), "strong": FontFace(emphasis="BOLD")}


class _HTML:
    """fpdf2's HTML renderer with a Lao-friendly table line height."""

    @staticmethod
    def write(pdf: LaoPDF, html: str) -> None:
        from fpdf.html import HTML2FPDF

        class LaoHTML(HTML2FPDF):
            TABLE_LINE_HEIGHT = 1.5

        pdf.HTML2FPDF_CLASS = LaoHTML
        pdf.set_font(FAMILY, "", 11)
        pdf.write_html(html, font_family=FAMILY, tag_styles=_tag_styles(), warn_on_tags_not_matching=False)


def render_certificate(info: dict) -> bytes:
    """A certificate: national header, centre, number and date, the service's own body (sanitized HTML from
    its template), the approver, and a QR code to the verify page with the signature printed beside it."""
    loc = info.get("locale") or "lo"
    pdf = LaoPDF()
    pdf.set_title(f"{pick(info['service'], loc)} {info['number']}")
    pdf.set_auto_page_break(True, margin=62)
    pdf.add_page()
    national_header(pdf)
    top = pdf.get_y()
    pdf.set_right_margin(95)
    pdf.para(pick(info["centre"], loc), size=11, style="B")
    bottom_left = pdf.get_y()
    pdf.set_right_margin(20)
    pdf.set_xy(pdf.w - 20 - 70, top)
    pdf.set_left_margin(pdf.w - 20 - 70)
    pdf.para(f"{label('number', loc)}: {info['number']}", size=10.5, align="R")
    pdf.para(f"{label('date', loc)}: {day(info['issued_at'], loc)}", size=10.5, align="R")
    pdf.set_left_margin(20)
    pdf.set_y(max(bottom_left, pdf.get_y()) + 4)
    _HTML.write(pdf, sanitize_html(info["body_html"]))
    # approver and verification block at the foot of the last page
    pdf.set_auto_page_break(False)
    if pdf.get_y() > pdf.h - 62:
        pdf.add_page()
    y = pdf.h - 60
    pdf.set_xy(pdf.w - 20 - 75, y)
    pdf.set_left_margin(pdf.w - 20 - 75)
    pdf.para(label("decided_by" if info.get("kind") == "decision" else "approved_by", loc), size=10.5, align="C")
    pdf.ln(9)
    pdf.para(info.get("approver") or "", size=11, style="B", align="C")
    pdf.set_left_margin(20)
    qr_size = 30
    qy = pdf.h - 16 - qr_size
    pdf.qr(info["verify_url"], 20, qy, qr_size)
    pdf.set_xy(20 + qr_size + 4, qy + 2)
    pdf.set_left_margin(20 + qr_size + 4)
    pdf.set_right_margin(100)
    pdf.para(label("verify", loc), size=9)
    pdf.set_font(LATIN, "", 8)
    pdf.multi_cell(0, 4, info["verify_url"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.para(f"{label('signature', loc)} (HMAC-SHA256):", size=8)
    pdf.set_font(LATIN, "", 7)
    pdf.multi_cell(0, 3.5, info["signature"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
