"""Form declarations of the seed catalogue (written to forms/<id>.yaml by generate.py)."""
from yamlout import Flow, FlowList, T


def F(name, type, lo, en, required=True, **kw):
    d = {"name": name, "type": type, "required": required, "label": T(lo, en)}
    help_ = kw.pop("help", None)
    if help_:
        d["help"] = T(*help_)
    for k, v in kw.items():
        if k == "choices":
            v = [Flow(value=val, label=T(lo, en)) for val, lo, en in v]
        elif k == "accept":
            v = FlowList(v)
        d[k] = v
    return d


def form(id, lo, en, fields):
    return {"id": id, "title": T(lo, en), "fields": fields}


# ---- reusable application fields
def applicant_name(name="applicant_name", lo="ຊື່ ແລະ ນາມສະກຸນ", en="Full name"):
    return F(name, "text", lo, en, max_length=120)


def national_id(name="id_number", lo="ເລກບັດປະຈຳຕົວ", en="National ID card number"):
    return F(name, "national_id", lo, en,
             help=("ເລກທີ່ຢູ່ໃນບັດປະຈຳຕົວລາວ", "The number printed on the Lao ID card"))


def phone(required=True):
    return F("phone", "phone", "ເບີໂທລະສັບ", "Phone number", required=required,
             help=("ພວກເຮົາຈະແຈ້ງຄວາມຄືບໜ້າທາງເບີນີ້, ຕົວຢ່າງ 020 5555 1234",
                   "We send progress notifications to this number, e.g. 020 5555 1234"))


def upload(name, lo, en, required=True, max_size_mb=5):
    return F(name, "file", lo, en, required=required, accept=["pdf", "jpeg", "png"], max_size_mb=max_size_mb)


def decision(choices, lo="ຄຳຕັດສິນ", en="Decision"):
    return F("decision", "choice", lo, en, choices=choices)


REASON = F("reason", "long_text", "ເຫດຜົນ", "Reason", required=False, max_length=2000,
           help=("ຕ້ອງລະບຸເມື່ອສົ່ງຄືນ ຫຼື ປະຕິເສດ; ຜູ້ຍື່ນຄຳຮ້ອງຈະເຫັນຂໍ້ຄວາມນີ້",
                 "Required when returning or rejecting; the applicant sees this text"))

RETURN = ("return", "ສົ່ງຄືນຜູ້ຍື່ນ ເພື່ອເພີ່ມເອກະສານ", "Return to the applicant for missing documents")
REJECT = ("reject", "ປະຕິເສດຄຳຮ້ອງ", "Reject the application")

FORMS = [
    # ------------------------------------------------------------------ shared staff forms
    form("document_check", "ກວດສອບເອກະສານ", "Document check", [
        decision([
            ("approve", "ເອກະສານຄົບຖ້ວນ", "Documents complete"),
            ("return", "ເອກະສານບໍ່ຄົບ, ສົ່ງຄືນຜູ້ຍື່ນ", "Documents missing, return to the applicant"),
            REJECT,
        ], "ຜົນການກວດສອບ", "Result of the check"),
        REASON,
        F("note", "long_text", "ໝາຍເຫດ", "Note", required=False, max_length=2000),
    ]),
    form("officer_review", "ພິຈາລະນາຂອງພະນັກງານວິຊາການ", "Officer review", [
        decision([
            ("approve", "ເຫັນດີ, ສົ່ງຕໍ່ເພື່ອອະນຸມັດ", "Agree, forward for approval"),
            RETURN,
            REJECT,
        ]),
        REASON,
        F("findings", "long_text", "ຜົນການພິຈາລະນາ", "Findings", required=False, max_length=4000),
    ]),
    form("site_inspection", "ກວດກາສະຖານທີ່", "Site inspection", [
        F("inspection_date", "date", "ວັນທີກວດກາ", "Date of inspection"),
        F("findings", "long_text", "ຜົນການກວດກາ", "Findings", max_length=4000),
        decision([
            ("approve", "ຖືກຕ້ອງຕາມມາດຕະຖານ", "Meets the requirements"),
            RETURN,
            REJECT,
        ]),
        REASON,
    ]),
    form("approval_decision", "ການອະນຸມັດ", "Approval", [
        decision([
            ("approve", "ອະນຸມັດ", "Approve"),
            ("reject", "ບໍ່ອະນຸມັດ", "Reject"),
        ]),
        REASON,
    ]),
    form("fee_payment", "ການຊຳລະຄ່າທຳນຽມ", "Fee payment", [
        F("receipt_number", "text", "ເລກທີໃບຮັບເງິນ", "Receipt number", max_length=40),
        F("amount_paid", "money", "ຈຳນວນເງິນທີ່ຊຳລະ (ກີບ)", "Amount paid (kip)", min=0),
    ]),
    form("certificate_issue", "ການມອບເອກະສານ", "Certificate hand-out", [
        F("handed_over", "yes_no", "ມອບໃຫ້ຜູ້ຍື່ນຄຳຮ້ອງແລ້ວ", "Handed over to the applicant"),
    ]),
    form("provide_documents", "ສົ່ງເອກະສານເພີ່ມເຕີມ", "Provide missing documents", [
        F("response", "long_text", "ຄຳຕອບຂອງທ່ານ", "Your answer", max_length=2000,
          help=("ອະທິບາຍສິ່ງທີ່ທ່ານໄດ້ເພີ່ມ ຫຼື ແກ້ໄຂ", "Explain what you added or corrected")),
        upload("documents", "ເອກະສານຄັດຕິດ", "Attached documents", required=False, max_size_mb=10),
    ]),
    form("village_certification", "ການຢັ້ງຢືນຂອງນາຍບ້ານ", "Village chief certification", [
        F("certified", "yes_no", "ນາຍບ້ານຢັ້ງຢືນຄວາມຖືກຕ້ອງ", "The village chief certifies the facts"),
        F("village_chief_name", "text", "ຊື່ນາຍບ້ານ", "Name of the village chief", max_length=120),
        F("note", "long_text", "ໝາຍເຫດ", "Note", required=False, max_length=2000),
    ]),
    form("title_verification", "ກວດສອບຄວາມຖືກຕ້ອງຂອງໃບຕາດິນ", "Land title accuracy check", [
        F("title_number", "text", "ເລກທີໃບຕາດິນ", "Land title number", max_length=40),
        F("title_accurate", "yes_no", "ໃບຕາດິນຖືກຕ້ອງຕາມທະບຽນທີ່ດິນ", "The title matches the land register"),
        F("findings", "long_text", "ຜົນການກວດສອບ", "Findings", required=False, max_length=4000),
    ]),
    # ------------------------------------------------------------------ application forms
    form("enterprise_application", "ຄຳຮ້ອງຂໍຈົດທະບຽນວິສາຫະກິດ", "Enterprise registration application", [
        applicant_name(),
        national_id(),
        phone(),
        F("enterprise_name", "text", "ຊື່ວິສາຫະກິດ", "Enterprise name", max_length=200),
        F("business_type", "choice", "ປະເພດທຸລະກິດ", "Type of business", choices=[
            ("general_trade", "ການຄ້າທົ່ວໄປ", "General trade"),
            ("restaurant", "ຮ້ານອາຫານ", "Restaurant"),
            ("handicraft", "ຫັດຖະກຳ", "Handicraft"),
            ("services", "ການບໍລິການ", "Services"),
            ("alcohol", "ຈຳໜ່າຍເຄື່ອງດື່ມທີ່ມີທາດເຫຼົ້າ (ກິດຈະການຄວບຄຸມ)", "Alcoholic beverages (controlled activity)"),
            ("pharmacy", "ຮ້ານຂາຍຢາ (ກິດຈະການຄວບຄຸມ)", "Pharmacy (controlled activity)"),
        ], help=("ກິດຈະການຄວບຄຸມຕ້ອງຜ່ານການພິຈາລະນາເພີ່ມເຕີມ", "Controlled activities need an additional review")),
        F("registered_capital", "money", "ທຶນຈົດທະບຽນ (ກີບ)", "Registered capital (kip)", min=0),
        F("employees", "number", "ຈຳນວນພະນັກງານ", "Number of employees", min=0, max=10000),
        F("business_address", "long_text", "ທີ່ຕັ້ງສຳນັກງານ (ບ້ານ, ເມືອງ, ແຂວງ)", "Business address (village, district, province)",
          max_length=500),
        upload("id_copy", "ສຳເນົາບັດປະຈຳຕົວ ຫຼື ປື້ມສຳມະໂນຄົວ", "Copy of the ID card or family book"),
    ]),
    form("construction_application", "ຄຳຮ້ອງຂໍອະນຸຍາດປຸກສ້າງ", "Construction permit application", [
        applicant_name(),
        national_id(),
        phone(),
        F("land_title_number", "text", "ເລກທີໃບຕາດິນ", "Land title number", max_length=40),
        F("building_use", "choice", "ປະເພດການນຳໃຊ້ອາຄານ", "Use of the building", choices=[
            ("residential", "ເຮືອນຢູ່ອາໄສ", "Residential house"),
            ("commercial", "ອາຄານການຄ້າ", "Commercial building"),
            ("mixed", "ເຮືອນຢູ່ ແລະ ຮ້ານຄ້າ", "House and shop"),
        ]),
        F("floor_area", "number", "ເນື້ອທີ່ກໍ່ສ້າງ (ຕາແມັດ)", "Floor area (m²)", min=1, max=100000,
          help=("ເກີນ 400 ຕາແມັດ ຫຼື ສູງເກີນ 10 ແມັດ ໃຫ້ຍື່ນຢູ່ຂັ້ນແຂວງ",
                "Above 400 m² or 10 m high: apply at the province")),
        F("building_height", "number", "ລວງສູງຂອງອາຄານ (ແມັດ)", "Building height (m)", min=1, max=300),
        F("planned_start", "date", "ວັນທີຄາດວ່າຈະເລີ່ມກໍ່ສ້າງ", "Planned start of works", required=False),
        F("neighbours_consent", "yes_no", "ໄດ້ຮັບຄວາມເຫັນດີຈາກເພື່ອນບ້ານໃກ້ຄຽງ", "Neighbours have consented"),
        upload("building_plans", "ແບບແປນກໍ່ສ້າງ", "Building plans", max_size_mb=20),
    ]),
    form("residence_application", "ຄຳຮ້ອງຂໍໃບຢັ້ງຢືນທີ່ຢູ່", "Residence certificate application", [
        applicant_name(),
        national_id(),
        F("birth_date", "date", "ວັນເດືອນປີເກີດ", "Date of birth"),
        phone(),
        F("village", "text", "ບ້ານທີ່ອາໄສຢູ່", "Village of residence", max_length=120),
        F("family_book_number", "text", "ເລກທີປື້ມສຳມະໂນຄົວ", "Family book number", max_length=40),
        F("purpose", "choice", "ຈຸດປະສົງ", "Purpose", choices=[
            ("employment", "ສະໝັກວຽກ", "Employment"),
            ("education", "ການສຶກສາ", "Education"),
            ("bank", "ທະນາຄານ", "Bank"),
            ("other", "ອື່ນໆ", "Other"),
        ]),
        upload("family_book_scan", "ສຳເນົາປື້ມສຳມະໂນຄົວ", "Scan of the family book"),
    ]),
    form("family_book_application", "ຄຳຮ້ອງຂໍປ່ຽນແປງປື້ມສຳມະໂນຄົວ", "Family-book change application", [
        applicant_name("head_of_household", "ຊື່ຫົວໜ້າຄອບຄົວ", "Head of household"),
        F("family_book_number", "text", "ເລກທີປື້ມສຳມະໂນຄົວ", "Family book number", max_length=40),
        F("change_type", "choice", "ປະເພດການປ່ຽນແປງ", "Type of change", choices=[
            ("add_birth", "ເພີ່ມຊື່ເດັກເກີດໃໝ່", "Add a newborn child"),
            ("remove_death", "ຕັດຊື່ຜູ້ເສຍຊີວິດ", "Remove a deceased person"),
            ("move_in", "ຍ້າຍເຂົ້າ", "Move in"),
            ("move_out", "ຍ້າຍອອກ", "Move out"),
            ("correction", "ແກ້ໄຂຂໍ້ມູນ", "Correct an entry"),
        ]),
        applicant_name("person_name", "ຊື່ບຸກຄົນທີ່ກ່ຽວຂ້ອງ", "Person concerned"),
        national_id(),
        phone(),
        F("event_date", "date", "ວັນທີເກີດເຫດການ", "Date of the event (birth, death, move)"),
        F("entries", "number", "ຈຳນວນລາຍການທີ່ປ່ຽນແປງ", "Number of entries changed", min=1, max=20,
          help=("ຄ່າທຳນຽມຄິດໄລ່ຕາມລາຍການ", "The fee is charged per entry")),
        upload("supporting_document", "ໃບແຈ້ງເກີດ, ໃບແຈ້ງຕາຍ ຫຼື ໃບແຈ້ງຍ້າຍອອກ",
               "Birth or death certificate, or move-out letter"),
    ]),
    form("birth_application", "ຄຳຮ້ອງຂໍໃບແຈ້ງເກີດ", "Birth certificate application", [
        applicant_name("child_name", "ຊື່ ແລະ ນາມສະກຸນຂອງເດັກ", "Child's full name"),
        F("child_sex", "choice", "ເພດ", "Sex", choices=[
            ("male", "ຊາຍ", "Male"),
            ("female", "ຍິງ", "Female"),
        ]),
        F("birth_date", "date", "ວັນເດືອນປີເກີດ", "Date of birth"),
        F("birth_place", "text", "ສະຖານທີ່ເກີດ (ໂຮງໝໍ, ບ້ານ)", "Place of birth (hospital, village)", max_length=200),
        applicant_name("mother_name", "ຊື່ແມ່", "Mother's name"),
        applicant_name("father_name", "ຊື່ພໍ່", "Father's name"),
        national_id("parent_id_number", "ເລກບັດປະຈຳຕົວຂອງພໍ່ ຫຼື ແມ່", "Parent's ID card number"),
        phone(),
        F("family_book_number", "text", "ເລກທີປື້ມສຳມະໂນຄົວ", "Family book number", max_length=40),
        upload("hospital_notice", "ໃບແຈ້ງການເກີດຈາກໂຮງໝໍ", "Hospital birth notice"),
    ]),
    form("marriage_application", "ຄຳຮ້ອງຂໍຈົດທະບຽນສົມລົດ", "Marriage registration application", [
        applicant_name("groom_name", "ຊື່ເຈົ້າບ່າວ", "Groom's full name"),
        national_id("groom_id_number", "ເລກບັດປະຈຳຕົວເຈົ້າບ່າວ", "Groom's ID card number"),
        applicant_name("bride_name", "ຊື່ເຈົ້າສາວ", "Bride's full name"),
        national_id("bride_id_number", "ເລກບັດປະຈຳຕົວເຈົ້າສາວ", "Bride's ID card number"),
        phone(),
        F("planned_date", "date", "ວັນທີຕ້ອງການຈົດທະບຽນ", "Preferred registration date", required=False),
        F("foreign_spouse", "yes_no", "ຄູ່ສົມລົດຝ່າຍໜຶ່ງເປັນຄົນຕ່າງປະເທດ", "One spouse is a foreign national",
          help=("ການແຕ່ງງານກັບຄົນຕ່າງປະເທດ ຍື່ນຢູ່ຂັ້ນແຂວງ", "Marriages with a foreigner are registered at the province")),
        upload("single_status_certificates", "ໃບຢັ້ງຢືນສະຖານະພາບໂສດ ຂອງທັງສອງຝ່າຍ", "Single-status certificates of both"),
        upload("health_certificates", "ໃບຢັ້ງຢືນສຸຂະພາບ ຂອງທັງສອງຝ່າຍ", "Health certificates of both"),
    ]),
    form("guesthouse_application", "ຄຳຮ້ອງຂໍອະນຸຍາດດຳເນີນທຸລະກິດເຮືອນພັກ", "Guesthouse licence application", [
        applicant_name(),
        phone(),
        F("guesthouse_name", "text", "ຊື່ເຮືອນພັກ", "Name of the guesthouse", max_length=200),
        F("enterprise_number", "text", "ເລກທີໃບທະບຽນວິສາຫະກິດ", "Enterprise registration number", max_length=40),
        F("rooms", "number", "ຈຳນວນຫ້ອງພັກ", "Number of guest rooms", min=1, max=50),
        F("address", "long_text", "ທີ່ຕັ້ງເຮືອນພັກ", "Address of the guesthouse", max_length=500),
        F("room_rate", "money", "ລາຄາຫ້ອງພັກຕໍ່ຄືນ (ກີບ)", "Room rate per night (kip)", min=0, required=False),
        F("fire_safety", "yes_no", "ມີອຸປະກອນດັບເພີງ", "Fire extinguishers installed"),
        upload("internal_rules", "ລະບຽບພາຍໃນຂອງເຮືອນພັກ", "House rules"),
        upload("photos", "ຮູບຖ່າຍ 3x4 ຂອງເຈົ້າຂອງ", "3x4 photos of the owner", max_size_mb=2),
    ]),
    form("land_transfer_application", "ຄຳຮ້ອງຂໍໂອນສິດນຳໃຊ້ທີ່ດິນ", "Land-use right transfer application", [
        applicant_name("seller_name", "ຊື່ຜູ້ໂອນ", "Transferor (seller)"),
        national_id("seller_id_number", "ເລກບັດປະຈຳຕົວຜູ້ໂອນ", "Transferor's ID card number"),
        applicant_name("buyer_name", "ຊື່ຜູ້ຮັບໂອນ", "Transferee (buyer)"),
        national_id("buyer_id_number", "ເລກບັດປະຈຳຕົວຜູ້ຮັບໂອນ", "Transferee's ID card number"),
        phone(),
        F("land_title_number", "text", "ເລກທີໃບຕາດິນ", "Land title number", max_length=40),
        F("plot_area", "number", "ເນື້ອທີ່ດິນ (ຕາແມັດ)", "Plot area (m²)", min=1, max=10000000),
        F("sale_price", "money", "ລາຄາຊື້-ຂາຍ (ກີບ)", "Sale price (kip)", min=0,
          help=("ໃຊ້ຄິດໄລ່ອາກອນການໂອນ", "Used to compute the transfer tax")),
        upload("sale_agreement", "ສັນຍາຊື້-ຂາຍ", "Sale agreement"),
    ]),
]
