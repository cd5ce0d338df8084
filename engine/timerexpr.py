"""Timer expressions of BPMN timers: one parser for upload validation and for the runtime.

Modelers write ISO 8601 text: durations (`P3D`), date-times (`2027-01-15T09:00:00`, with `+07:00` or `Z`, or in
the zone-id form `2027-01-15T09:00:00+07:00[Asia/Vientiane]` of Camunda 8) and cycles (`R3/PT1H`,
`R/2027-01-15T09:00:00/P1D`). `normalize` turns the zone-id form into plain ISO text SpiffWorkflow can read;
`parse` checks an expression as SpiffWorkflow will compute it (raising TimerError with a reason); `to_utc`
turns the time SpiffWorkflow computed for a waiting timer into naive UTC, reading a date-time without an
offset in the centre's time zone (Asia/Vientiane unless the centre names another).
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

DEFAULT_ZONE = "Asia/Vientiane"
KINDS = ("timeDuration", "timeDate", "timeCycle")
_ZONE_ID = re.compile(r"(\d{4}-\d{2}-\d{2}T[0-9:.]+)(Z|[+-]\d{2}:?\d{2})?\[([A-Za-z_+\-/0-9]+)\]")
_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")
# text that a modeler meant as ISO 8601 (as opposed to an expression over case data)
LOOKS_ISO = re.compile(r"^(R\d*/|P|\d{4}-\d{2}-\d{2})", re.I)


class TimerError(ValueError):
    """A timer expression that cannot be read; str() is the reason in English, `lo` the same reason in Lao
    (what the designer reads in Lao must not embed the English parser's words)."""

    def __init__(self, en: str, lo: str | None = None):
        super().__init__(en)
        self.lo = lo or en

    @property
    def reasons(self) -> dict[str, str]:
        return {"lo": self.lo, "en": str(self)}


def string_literal(text: str) -> str | None:
    """The value of `text` when the whole text is one string literal (`'P3D'`, `"P3D"`), else None.

    Stripping a quote at each end is not enough: `"P" + str(wait_days) + "D"` starts and ends with a quote but
    is an expression over case data, which the runtime evaluates."""
    text = (text or "").strip()
    if len(text) < 2 or text[0] not in "'\"":
        return None
    try:
        node = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError):
        return None
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


@dataclass(frozen=True)
class Timer:
    kind: str  # timeDuration | timeDate | timeCycle
    text: str  # normalized ISO text
    local: bool  # a date-time without an offset: read in the centre's zone


def zone(name: str | None) -> ZoneInfo:
    """The ZoneInfo of a centre's `timezone` (Asia/Vientiane when empty). Raises TimerError for unknown zones."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise TimerError(f"unknown time zone {name!r}", f"ບໍ່ຮູ້ຈັກເຂດເວລາ {name!r}") from exc


def _fix_zone_id(match: re.Match) -> str:
    stamp, offset, zone_name = match.groups()
    if offset:
        return stamp + offset
    local = datetime.fromisoformat(stamp).replace(tzinfo=zone(zone_name))
    return local.isoformat()


def normalize(text: str) -> str:
    """ISO text with zone ids resolved: `…+07:00[Asia/Vientiane]` -> `…+07:00`, `…T09:00[Asia/Tokyo]` ->
    `…T09:00+09:00`. Other text is returned stripped and unchanged."""
    return _ZONE_ID.sub(_fix_zone_id, (text or "").strip())


def _date(text: str) -> bool:
    """Parse a date-time as SpiffWorkflow does; True when it has no offset."""
    try:
        TimerEventDefinition.parse_time_or_duration(text)
    except Exception as exc:  # noqa: BLE001 - SpiffWorkflow raises ValueError, AttributeError, Exception
        raise TimerError(f"{text!r} is not an ISO 8601 date-time",
                         f"{text!r} ບໍ່ແມ່ນວັນທີ-ເວລາ ISO 8601") from exc
    return not _OFFSET.search(text)


def parse(text: str, kind: str) -> Timer:
    """Check a literal timer expression of `kind` (timeDuration, timeDate, timeCycle). Raises TimerError."""
    value = normalize(text)
    if not value:
        raise TimerError("the expression is empty", "ບໍ່ມີເວລາຂຽນໄວ້")
    if "[" in value:
        raise TimerError("the zone id in brackets is not a known time zone",
                         "ເຂດເວລາໃນວົງເລັບບໍ່ແມ່ນເຂດເວລາທີ່ຮູ້ຈັກ")
    local = False
    try:
        if kind == "timeDuration":
            TimerEventDefinition.parse_iso_duration(value)
            if not value.upper().startswith("P"):
                raise TimerError("a duration starts with P, e.g. P3D or PT4H",
                                 "ໄລຍະເວລາຂຶ້ນຕົ້ນດ້ວຍ P, ເຊັ່ນ P3D ຫຼື PT4H")
        elif kind == "timeDate":
            if value.upper().startswith(("P", "R")):
                raise TimerError("a date is written 2027-01-15T09:00:00; use timeDuration for P… and timeCycle "
                                 "for R…", "ວັນທີຂຽນເປັນ 2027-01-15T09:00:00; ໃຊ້ timeDuration ສຳລັບ P… ແລະ "
                                 "timeCycle ສຳລັບ R…")
            local = _date(value)
        elif kind == "timeCycle":
            if not value.upper().startswith("R"):
                raise TimerError("a cycle starts with R, e.g. R3/PT1H", "ຮອບເວລາຂຶ້ນຕົ້ນດ້ວຍ R, ເຊັ່ນ R3/PT1H")
            parts = value.upper().replace("--", "/").strip("R").split("/")
            if len(parts) not in (2, 3):
                raise TimerError("a cycle is R<count>/<duration> or R<count>/<start>/<duration>",
                                 "ຮອບເວລາຂຽນເປັນ R<ຈຳນວນ>/<ໄລຍະ> ຫຼື R<ຈຳນວນ>/<ເລີ່ມ>/<ໄລຍະ>")
            if parts[0] and not parts[0].isdigit():
                raise TimerError("the repeat count after R must be a whole number",
                                 "ຈຳນວນຮອບຫຼັງ R ຕ້ອງເປັນຈຳນວນເຕັມ")
            cycles, start, duration = TimerEventDefinition.parse_iso_recurring_interval(value)
            if duration.total_seconds() <= 0:
                raise TimerError("the cycle's duration must be more than zero",
                                 "ໄລຍະຂອງຮອບເວລາຕ້ອງຫຼາຍກວ່າສູນ")
            local = any(re.match(r"\d{4}-", p) and not _OFFSET.search(p) for p in value.split("/")[1:])
        else:
            raise TimerError(f"unknown timer kind {kind}", f"ບໍ່ຮູ້ຈັກຊະນິດໂມງຈັບເວລາ {kind}")
    except TimerError:
        raise
    except Exception as exc:  # noqa: BLE001 - SpiffWorkflow's parsers raise bare Exception
        what = {"timeDuration": "ໄລຍະເວລາ", "timeDate": "ວັນທີ-ເວລາ", "timeCycle": "ຮອບເວລາ"}.get(kind, kind)
        raise TimerError(f"{value!r} is not a valid ISO 8601 {kind[4:].lower()}",
                         f"{value!r} ບໍ່ແມ່ນ{what} ISO 8601 ທີ່ຖືກຕ້ອງ") from exc
    return Timer(kind, value, local)


def to_utc(value, centre_zone: str | None = None) -> datetime | None:
    """Naive UTC of a time SpiffWorkflow stored for a waiting timer (an ISO string or a datetime).

    A value without an offset is a local time of `centre_zone`. Returns None for values that are not a time
    (a duration that was not turned into a date yet)."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str):
        text = normalize(value)
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            try:
                parsed = TimerEventDefinition.parse_time_or_duration(text)
            except Exception:  # noqa: BLE001
                return None
            if not isinstance(parsed, datetime):
                return None
            dt = parsed
            if not _OFFSET.search(text):  # SpiffWorkflow read it in the server's zone: take the wall time
                dt = dt.replace(tzinfo=None)
    else:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=zone(centre_zone))
    return dt.astimezone(UTC).replace(tzinfo=None)
