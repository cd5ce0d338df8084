"""Office roles, centres and public holidays of the seed catalogue (written by generate.py).

Addresses and phone numbers are demo placeholders (the +856 xx 000 xxx numbers are not real).
"""
from yamlout import T

OFFICE_ROLES = {
    "front_desk": T("ພະນັກງານປະຕູບໍລິການ", "Front desk"),
    "cashier": T("ພະນັກງານເກັບເງິນ", "Cashier"),
    "approver": T("ຜູ້ອະນຸມັດ (ຫົວໜ້າຫ້ອງການ ຫຼື ເຈົ້າເມືອງ)", "Approver (head of office or district governor)"),
    "home_affairs_officer": T("ພະນັກງານພາຍໃນ", "Home affairs officer"),
    "public_security_officer": T("ພະນັກງານປ້ອງກັນຄວາມສະຫງົບ", "Public security officer"),
    "public_works_officer": T("ພະນັກງານໂຍທາທິການ ແລະ ຂົນສົ່ງ", "Public works and transport officer"),
    "commerce_officer": T("ພະນັກງານອຸດສາຫະກຳ ແລະ ການຄ້າ", "Industry and commerce officer"),
    "land_officer": T("ພະນັກງານທີ່ດິນ", "Land officer"),
    "tourism_officer": T("ພະນັກງານຖະແຫຼງຂ່າວ, ວັດທະນະທຳ ແລະ ທ່ອງທ່ຽວ", "Information, culture and tourism officer"),
    "village_office": T("ອົງການປົກຄອງບ້ານ (ນາຍບ້ານ)", "Village office (village chief)"),
}

HOURS = T("ວັນຈັນ ຫາ ວັນສຸກ 08:00–12:00, 13:00–16:00", "Mon–Fri 08:00–12:00, 13:00–16:00")

# office templates per level: suffix, lo name pattern, en name pattern, roles
# {lo} / {en} are replaced with the short name of the unit (ເມືອງໄຊເສດຖາ / Xaysettha District)
OFFICES = {
    "district": [
        ("front", "ປະຕູບໍລິການ {lo}", "{en} service counter", ["front_desk", "cashier"]),
        ("governor", "ຫ້ອງວ່າການ{lo}", "{en} Governor's Office", ["approver"]),
        ("home_affairs", "ຫ້ອງການພາຍໃນ{lo}", "{en} Home Affairs Office", ["home_affairs_officer"]),
        ("police", "ກອງບັນຊາການປ້ອງກັນຄວາມສະຫງົບ{lo}", "{en} Public Security Command", ["public_security_officer"]),
        ("public_works", "ຫ້ອງການໂຍທາທິການ ແລະ ຂົນສົ່ງ {lo}", "{en} Public Works and Transport Office",
         ["public_works_officer"]),
        ("commerce", "ຫ້ອງການອຸດສາຫະກຳ ແລະ ການຄ້າ {lo}", "{en} Industry and Commerce Office", ["commerce_officer"]),
        ("land", "ຫ້ອງການຊັບພະຍາກອນທຳມະຊາດ ແລະ ສິ່ງແວດລ້ອມ {lo}", "{en} Natural Resources and Environment Office",
         ["land_officer"]),
        ("tourism", "ຫ້ອງການຖະແຫຼງຂ່າວ, ວັດທະນະທຳ ແລະ ທ່ອງທ່ຽວ {lo}", "{en} Information, Culture and Tourism Office",
         ["tourism_officer"]),
        ("villages", "ອົງການປົກຄອງບ້ານ ({lo})", "Village offices ({en})", ["village_office"]),
    ],
    "province": [
        ("front", "ປະຕູບໍລິການ {lo}", "{en} service counter", ["front_desk"]),
        ("finance", "ການເງິນ {lo}", "{en} cashier", ["cashier"]),
        ("governor", "ຫ້ອງວ່າການ{lo}", "{en} Governor's Office", ["approver"]),
        ("home_affairs", "ພະແນກພາຍໃນ{lo}", "{en} Department of Home Affairs", ["home_affairs_officer"]),
        ("public_works", "ພະແນກໂຍທາທິການ ແລະ ຂົນສົ່ງ {lo}", "{en} Department of Public Works and Transport",
         ["public_works_officer"]),
        ("commerce", "ພະແນກອຸດສາຫະກຳ ແລະ ການຄ້າ {lo}", "{en} Department of Industry and Commerce", ["commerce_officer"]),
        ("land", "ພະແນກຊັບພະຍາກອນທຳມະຊາດ ແລະ ສິ່ງແວດລ້ອມ {lo}", "{en} Department of Natural Resources and Environment",
         ["land_officer"]),
        ("tourism", "ພະແນກຖະແຫຼງຂ່າວ, ວັດທະນະທຳ ແລະ ທ່ອງທ່ຽວ {lo}", "{en} Department of Information, Culture and Tourism",
         ["tourism_officer"]),
        ("villages", "ອົງການປົກຄອງບ້ານ ({lo})", "Village offices ({en})", ["village_office"]),
    ],
    "ministry": [
        ("front", "ສູນບໍລິການຜ່ານປະຕູດຽວ {lo}", "One-door service centre, {en}", ["front_desk", "cashier"]),
        ("cabinet", "ຫ້ອງການ{lo}", "Cabinet of the {en}", ["approver"]),
        ("enterprise", "ກົມທະບຽນ ແລະ ຄຸ້ມຄອງວິສາຫະກິດ", "Department of Enterprise Registration and Management",
         ["commerce_officer"]),
    ],
}

# id, level, parent, short name (lo, en), address (lo, en), phone, services [(id, fee override or None)]
CENTRES = [
    ("moha", "ministry", None, ("ກະຊວງພາຍໃນ", "Ministry of Home Affairs"),
     ("ຖະໜົນລ້ານຊ້າງ, ເມືອງຈັນທະບູລີ, ນະຄອນຫຼວງວຽງຈັນ", "Lane Xang Avenue, Chanthabouly, Vientiane Capital"),
     "+856 21 000 100",
     [("enterprise_registration", 300000)]),
    ("vte", "province", "moha", ("ນະຄອນຫຼວງວຽງຈັນ", "Vientiane Capital"),
     ("ຫ້ອງວ່າການນະຄອນຫຼວງວຽງຈັນ, ເມືອງຈັນທະບູລີ", "Vientiane Capital Hall, Chanthabouly district"),
     "+856 21 000 200",
     [("enterprise_registration", None), ("construction_permit", 1000000), ("marriage_certificate", 100000),
      ("land_title_transfer", None)]),
    ("xaysettha", "district", "vte", ("ເມືອງໄຊເສດຖາ", "Xaysettha District"),
     ("ຫ້ອງວ່າການເມືອງໄຊເສດຖາ, ນະຄອນຫຼວງວຽງຈັນ", "Xaysettha District Hall, Vientiane Capital"),
     "+856 21 000 210",
     [("enterprise_registration", None), ("construction_permit", 350000), ("residence_certificate", None),
      ("family_book_change", None), ("birth_certificate", None), ("marriage_certificate", None),
      ("small_guesthouse_licence", None), ("land_title_transfer", None)]),
    ("chanthabouly", "district", "vte", ("ເມືອງຈັນທະບູລີ", "Chanthabouly District"),
     ("ຫ້ອງວ່າການເມືອງຈັນທະບູລີ, ນະຄອນຫຼວງວຽງຈັນ", "Chanthabouly District Hall, Vientiane Capital"),
     "+856 21 000 220",
     [("enterprise_registration", None), ("residence_certificate", 30000), ("family_book_change", None),
      ("birth_certificate", None), ("marriage_certificate", None), ("small_guesthouse_licence", 400000)]),
    ("sisattanak", "district", "vte", ("ເມືອງສີສັດຕະນາກ", "Sisattanak District"),
     ("ຫ້ອງວ່າການເມືອງສີສັດຕະນາກ, ນະຄອນຫຼວງວຽງຈັນ", "Sisattanak District Hall, Vientiane Capital"),
     "+856 21 000 230",
     [("construction_permit", None), ("residence_certificate", None), ("family_book_change", None),
      ("birth_certificate", None), ("land_title_transfer", None)]),
    ("luangprabang", "province", "moha", ("ແຂວງຫຼວງພະບາງ", "Luang Prabang Province"),
     ("ຫ້ອງວ່າການແຂວງຫຼວງພະບາງ, ເມືອງຫຼວງພະບາງ", "Luang Prabang Provincial Hall, Luang Prabang town"),
     "+856 71 000 300",
     [("enterprise_registration", None), ("construction_permit", 800000), ("small_guesthouse_licence", 500000),
      ("marriage_certificate", 100000)]),
    ("luangprabang_district", "district", "luangprabang", ("ເມືອງຫຼວງພະບາງ", "Luang Prabang District"),
     ("ຫ້ອງວ່າການເມືອງຫຼວງພະບາງ, ແຂວງຫຼວງພະບາງ", "Luang Prabang District Hall, Luang Prabang Province"),
     "+856 71 000 310",
     [("residence_certificate", 20000), ("family_book_change", None), ("birth_certificate", None),
      ("marriage_certificate", 50000), ("small_guesthouse_licence", 250000)]),
    ("savannakhet", "province", "moha", ("ແຂວງສະຫວັນນະເຂດ", "Savannakhet Province"),
     ("ຫ້ອງວ່າການແຂວງສະຫວັນນະເຂດ, ເມືອງໄກສອນ ພົມວິຫານ", "Savannakhet Provincial Hall, Kaysone Phomvihane"),
     "+856 41 000 400",
     [("enterprise_registration", 150000), ("construction_permit", None), ("land_title_transfer", None)]),
    ("kaysone", "district", "savannakhet", ("ເມືອງໄກສອນ ພົມວິຫານ", "Kaysone Phomvihane District"),
     ("ຫ້ອງວ່າການເມືອງໄກສອນ ພົມວິຫານ, ແຂວງສະຫວັນນະເຂດ", "Kaysone Phomvihane District Hall, Savannakhet Province"),
     "+856 41 000 410",
     [("enterprise_registration", 100000), ("residence_certificate", 20000), ("family_book_change", 20000),
      ("birth_certificate", None), ("construction_permit", 200000)]),
    ("champasak", "province", "moha", ("ແຂວງຈຳປາສັກ", "Champasak Province"),
     ("ຫ້ອງວ່າການແຂວງຈຳປາສັກ, ເມືອງປາກເຊ", "Champasak Provincial Hall, Pakse"),
     "+856 31 000 500",
     [("enterprise_registration", None), ("small_guesthouse_licence", None), ("marriage_certificate", None)]),
    ("pakse", "district", "champasak", ("ເມືອງປາກເຊ", "Pakse District"),
     ("ຫ້ອງວ່າການເມືອງປາກເຊ, ແຂວງຈຳປາສັກ", "Pakse District Hall, Champasak Province"),
     "+856 31 000 510",
     [("residence_certificate", None), ("family_book_change", 50000), ("birth_certificate", 10000),
      ("marriage_certificate", None), ("land_title_transfer", None)]),
]

# Lao public holidays. Fixed-date holidays from the official calendar; Buddhist festivals follow the lunar
# calendar: their dates here are estimates (est.) from the full-moon dates and must be checked against the
# government's yearly announcement. When a holiday falls on a weekend the government usually announces a
# substitute day: add it here when announced.
_FIXED = [
    ("01-01", "ວັນປີໃໝ່ສາກົນ", "International New Year's Day"),
    ("03-08", "ວັນແມ່ຍິງສາກົນ", "International Women's Day"),
    ("04-14", "ບຸນປີໃໝ່ລາວ", "Lao New Year (Pi Mai)"),
    ("04-15", "ບຸນປີໃໝ່ລາວ", "Lao New Year (Pi Mai)"),
    ("04-16", "ບຸນປີໃໝ່ລາວ", "Lao New Year (Pi Mai)"),
    ("05-01", "ວັນກຳມະກອນສາກົນ", "International Labour Day"),
    ("06-01", "ວັນເດັກນ້ອຍສາກົນ", "International Children's Day"),
    ("07-20", "ວັນສ້າງຕັ້ງສະຫະພັນແມ່ຍິງລາວ", "Lao Women's Union Founding Day"),
    ("10-07", "ວັນຄູແຫ່ງຊາດ", "National Teachers' Day"),
    ("12-02", "ວັນຊາດ", "National Day"),
]
_LUNAR = {  # est.: full moon of the 11th lunar month (Ok Phansa) and the day after (boat racing, Vientiane)
    2026: [("10-26", "ບຸນອອກພັນສາ", "End of Buddhist Lent (Boun Ok Phansa)"),
           ("10-27", "ບຸນຊ່ວງເຮືອ", "Boat Racing Festival")],
    2027: [("10-15", "ບຸນອອກພັນສາ", "End of Buddhist Lent (Boun Ok Phansa)"),
           ("10-16", "ບຸນຊ່ວງເຮືອ", "Boat Racing Festival")],
}
ESTIMATED = {"06-01", "07-20", "10-07"}  # kept as in the calendars we know; confirm each year
