"""Domain errors: a machine-readable code, parameters, and a message in Lao and English."""
from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "not_found": ("ບໍ່ພົບ {what}", "{what} not found"),
    "forbidden": ("ທ່ານບໍ່ມີສິດເຮັດສິ່ງນີ້", "You are not allowed to do this"),
    "conflict": (
        "ວຽກນີ້ຖືກປ່ຽນແປງໂດຍຄົນອື່ນແລ້ວ, ກະລຸນາໂຫຼດໜ້າໃໝ່",
        "Someone else changed this case in the meantime; reload and try again",
    ),
    "task_not_ready": (
        "ວຽກນີ້ບໍ່ໄດ້ລໍຖ້າຢູ່ແລ້ວ (ອາດຈະສຳເລັດໂດຍຄົນອື່ນ)",
        "This task is no longer waiting (someone may have completed it)",
    ),
    "claimed_by_other": ("ວຽກນີ້ຖືກຮັບໄປໂດຍ {who} ແລ້ວ", "This task is already claimed by {who}"),
    "invalid_data": ("ຂໍ້ມູນບໍ່ຖືກຕ້ອງ: ກະລຸນາກວດເບິ່ງຊ່ອງທີ່ໝາຍໄວ້", "Some answers are not valid; see the marked fields"),
    "action_not_allowed": (
        "ວຽກນີ້ບໍ່ສາມາດ {action} ໄດ້",
        "This task cannot be {action}",
    ),
    "reason_required": ("ກະລຸນາໃສ່ເຫດຜົນ", "Please give a reason"),
    "service_not_offered": (
        "ສູນນີ້ບໍ່ໃຫ້ບໍລິການ {service}",
        "This centre does not offer {service}",
    ),
    "centre_closed": ("ສູນນີ້ປິດແລ້ວ, ບໍ່ຮັບຄຳຮ້ອງໃໝ່", "This centre is closed and accepts no new applications"),
    "application_closed": ("ຄຳຮ້ອງນີ້ສິ້ນສຸດແລ້ວ", "This application is already closed"),
    "script_failed": ("ຂັ້ນຕອນອັດຕະໂນມັດ {element} ຜິດພາດ: {detail}", "Automatic step {element} failed: {detail}"),
    "user_lacks_role": ("{user} ບໍ່ມີໜ້າທີ່ {role} ຂອງວຽກນີ້", "{user} does not hold the office role {role} of this task"),
    "catalogue_invalid": ("ລາຍການບໍລິການມີຂໍ້ຜິດພາດ", "The service catalogue has errors"),
    "feedback_not_yet": (
        "ທ່ານໃຫ້ຄະແນນໄດ້ເມື່ອຄຳຮ້ອງສຳເລັດ ຫຼື ຖືກປະຕິເສດແລ້ວ",
        "You can rate the service once the application is completed or rejected",
    ),
    "feedback_given": ("ທ່ານໄດ້ໃຫ້ຄະແນນຄຳຮ້ອງນີ້ແລ້ວ", "You have already rated this application"),
    "rating_range": ("ຄະແນນຕ້ອງແມ່ນ 1 ຫາ 5", "The rating must be a whole number from 1 to 5"),
    "comment_too_long": ("ຄຳເຫັນຍາວເກີນ {max} ຕົວອັກສອນ", "The comment is longer than {max} characters"),
    "feedback_link_invalid": ("ລິ້ງໃຫ້ຄະແນນນີ້ບໍ່ຖືກຕ້ອງ", "This rating link is not valid"),
    "sms_signature": ("ລາຍເຊັນບໍ່ຖືກຕ້ອງ", "The X-ODSC-Signature header is missing or wrong"),
    "sms_timestamp": ("ເວລາຂອງຄຳຮ້ອງບໍ່ຖືກຕ້ອງ ຫຼື ເກົ່າເກີນໄປ",
                      "The X-ODSC-Timestamp header is missing, not Unix seconds, or too far from now"),
    "sms_replay": ("ຄຳຮ້ອງນີ້ໄດ້ຮັບແລ້ວ", "This signed request was already received"),
    "sms_fields": ("ຕ້ອງມີທັງ from ແລະ text (text ບໍ່ເກີນ 480 ຕົວອັກສອນ)", "Both 'from' and 'text' are required (text at most 480 characters)"),
    "sms_not_configured": ("ບໍ່ໄດ້ຕັ້ງຄ່າ SMS ຂາເຂົ້າ", "Inbound SMS is not configured (SMS_INBOUND_SECRET)"),
}


class DomainError(Exception):
    code = "error"
    status = 400

    def __init__(self, code: str | None = None, **params):
        self.code = code or self.code
        self.params = params
        super().__init__(self.message("en"))

    def message(self, locale: str = "lo") -> str:
        lo, en = MESSAGES.get(self.code, (self.code, self.code))
        template = lo if locale == "lo" else en
        lang = "lo" if locale == "lo" else "en"
        # a parameter given as {"lo": ..., "en": ...} fills each language with its own words
        params = {k: v[lang] if isinstance(v, dict) and set(v) == {"lo", "en"} else v for k, v in self.params.items()}
        try:
            return template.format(**params)
        except (KeyError, IndexError):
            return template


class NotFound(DomainError):
    code, status = "not_found", 404


class Forbidden(DomainError):
    code, status = "forbidden", 403


class Conflict(DomainError):
    code, status = "conflict", 409


class InvalidData(DomainError):
    """Form data failed validation; `errors` maps field name to a message in the requested language."""

    code, status = "invalid_data", 422

    def __init__(self, errors: dict[str, str] | None = None, code: str | None = None, **params):
        self.errors = errors or {}
        super().__init__(code, **params)


class NotAllowed(DomainError):
    code, status = "action_not_allowed", 409
