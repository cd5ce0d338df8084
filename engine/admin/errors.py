"""Errors of the administration, with messages in Lao and English."""
from __future__ import annotations

from engine.errors import DomainError, InvalidData

MESSAGES: dict[str, tuple[str, str]] = {
    "required": ("ກະລຸນາໃສ່ຂໍ້ມູນນີ້", "This is required"),
    "bad_id": ("ລະຫັດຕ້ອງເປັນຕົວອັກສອນລາຕິນນ້ອຍ, ຕົວເລກ ຫຼື _ (2 ຫາ 64 ຕົວ)",
               "Use 2 to 64 lowercase Latin letters, digits or _"),
    "centre_exists": ("ມີສູນທີ່ໃຊ້ລະຫັດນີ້ແລ້ວ", "A centre with this id exists already"),
    "bad_level": ("ລະດັບຕ້ອງເປັນ ກະຊວງ, ແຂວງ ຫຼື ເມືອງ", "The level must be ministry, province or district"),
    "bad_parent": ("ສູນຂັ້ນເທິງບໍ່ຖືກຕ້ອງສຳລັບລະດັບນີ້", "This parent centre does not fit the level"),
    "parent_out_of_scope": ("ທ່ານບໍ່ສາມາດວາງສູນໄວ້ໃຕ້ສູນນີ້ໄດ້", "You cannot place a centre under this one"),
    "bad_timezone": ("ເຂດເວລານີ້ບໍ່ຮູ້ຈັກ: ໃຊ້ຊື່ເຂດເວລາ IANA ເຊັ່ນ Asia/Vientiane ຫຼື Asia/Bangkok",
                     "Unknown time zone: use an IANA time zone name such as Asia/Vientiane or Asia/Bangkok"),
    "unknown_service": ("ບໍ່ມີບໍລິການນີ້", "No such service"),
    "bad_fee": ("ຄ່າທຳນຽມຕ້ອງເປັນຈຳນວນກີບເຕັມ, 0 ຫຼື ຫຼາຍກວ່າ", "The fee must be whole kip, 0 or more"),
    "office_taken": ("ລະຫັດຫ້ອງການນີ້ຖືກໃຊ້ແລ້ວ (ຢູ່ສູນອື່ນ ຫຼື ຊ້ຳກັນ)",
                     "This office id is already used (at another centre or twice here)"),
    "office_roles": ("ເລືອກໜ້າທີ່ຢ່າງໜ້ອຍໜຶ່ງອັນ", "Choose at least one role"),
    "unknown_role": ("ບໍ່ມີໜ້າທີ່ນີ້", "No such role"),
    "username_taken": ("ຊື່ຜູ້ໃຊ້ນີ້ຖືກໃຊ້ແລ້ວ", "This username is taken"),
    "bad_username": ("ຊື່ຜູ້ໃຊ້: ຕົວອັກສອນລາຕິນນ້ອຍ, ຕົວເລກ, . _ - (3 ຫາ 64 ຕົວ)",
                     "Username: 3 to 64 lowercase Latin letters, digits, . _ -"),
    "unknown_centre": ("ບໍ່ພົບສູນນີ້", "No such centre"),
    "no_roles": ("ເລືອກໜ້າທີ່ຢ່າງໜ້ອຍໜຶ່ງອັນ", "Choose at least one role"),
    "short_password": ("ລະຫັດຜ່ານຕ້ອງມີຢ່າງໜ້ອຍ {n} ຕົວ", "The password needs at least {n} characters"),
    "passwords_differ": ("ລະຫັດຜ່ານສອງຊ່ອງບໍ່ຄືກັນ", "The two passwords differ"),
    "same_password": ("ກະລຸນາເລືອກລະຫັດຜ່ານໃໝ່ທີ່ບໍ່ຄືເກົ່າ", "Choose a new password, not the current one"),
    "wrong_password": ("ລະຫັດຜ່ານປັດຈຸບັນບໍ່ຖືກຕ້ອງ", "The current password is wrong"),
    "bad_code": ("ລະຫັດນີ້ບໍ່ຖືກຕ້ອງ, ໃຊ້ແລ້ວ ຫຼື ໝົດອາຍຸ: ຂໍລະຫັດໃໝ່ຈາກຜູ້ບໍລິຫານລະບົບ",
                 "This code is wrong, used or expired: ask your administrator for a new one"),
    "out_of_scope": ("ສູນນີ້ຢູ່ນອກຂອບເຂດທີ່ທ່ານຄຸ້ມຄອງ", "This centre is outside the area you administer"),
    "national_role": ("ສະເພາະຜູ້ບໍລິຫານລະບົບຂັ້ນກະຊວງເທົ່ານັ້ນ ທີ່ມອບໜ້າທີ່ນີ້ໄດ້ (ໜ້າທີ່ນີ້ມີສິດທົ່ວປະເທດ)",
                      "Only a national administrator can grant this role (it acts on the whole country)"),
    "bad_text": ("ມີຕົວອັກສອນທີ່ບັນທຶກບໍ່ໄດ້ (NUL, ຕົວອັກສອນຄວບຄຸມ ຫຼື Unicode ທີ່ບໍ່ຖືກຕ້ອງ)",
                 "Contains characters that cannot be stored (NUL, control characters or invalid Unicode)"),
    "too_long": ("ຍາວເກີນໄປສຳລັບຊ່ອງນີ້", "Too long for this field"),
    "not_staff": ("ບັນຊີນີ້ບໍ່ແມ່ນພະນັກງານ", "This account is not a staff account"),
    "self_deactivate": ("ທ່ານບໍ່ສາມາດປິດບັນຊີຂອງຕົນເອງໄດ້", "You cannot deactivate your own account"),
    "unknown_user": ("ບໍ່ພົບບັນຊີນີ້", "No such account"),
}


def text(code: str, locale: str = "lo", **params) -> str:
    lo, en = MESSAGES.get(code, (code, code))
    template = lo if locale == "lo" else en
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


class AdminError(DomainError):
    """A refused administrative action (403 for scope, 409 otherwise)."""

    status = 409

    def __init__(self, code: str, status: int | None = None, **params):
        super().__init__(code, **params)
        if status:
            self.status = status

    def message(self, locale: str = "lo") -> str:
        if self.code in MESSAGES:
            return text(self.code, locale, **self.params)
        return super().message(locale)


class AdminInvalid(InvalidData):
    """Field errors; `codes` maps field → message code, `errors` the messages in the requested language."""

    def __init__(self, codes: dict[str, str], locale: str = "lo", **params):
        self.codes = codes
        super().__init__({f: text(c, locale, **params) for f, c in codes.items()})
