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
        try:
            return template.format(**self.params)
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
