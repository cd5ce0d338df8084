"""Services of the seed catalogue: BPMN process + service.yaml content (written by generate.py)."""
from bpmn_writer import Process
from yamlout import Flow, FlowList, T

A, FD, AP, CA = "Lane_Applicant", "Lane_FrontDesk", "Lane_Approver", "Lane_Cashier"

LANES = {
    "Lane_Applicant": ("ຜູ້ຍື່ນຄຳຮ້ອງ", "applicant"),
    "Lane_FrontDesk": ("ປະຕູບໍລິການ", "front_desk"),
    "Lane_Commerce": ("ຫ້ອງການອຸດສາຫະກຳ ແລະ ການຄ້າ", "commerce_officer"),
    "Lane_PublicWorks": ("ຫ້ອງການໂຍທາທິການ ແລະ ຂົນສົ່ງ", "public_works_officer"),
    "Lane_Village": ("ອົງການປົກຄອງບ້ານ", "village_office"),
    "Lane_PublicSecurity": ("ປ້ອງກັນຄວາມສະຫງົບ", "public_security_officer"),
    "Lane_HomeAffairs": ("ຫ້ອງການພາຍໃນ", "home_affairs_officer"),
    "Lane_Tourism": ("ຫ້ອງການຖະແຫຼງຂ່າວ, ວັດທະນະທຳ ແລະ ທ່ອງທ່ຽວ", "tourism_officer"),
    "Lane_Land": ("ຫ້ອງການຊັບພະຍາກອນທຳມະຊາດ ແລະ ສິ່ງແວດລ້ອມ", "land_officer"),
    "Lane_Approver": ("ຜູ້ອະນຸມັດ", "approver"),
    "Lane_Cashier": ("ການເງິນ", "cashier"),
}

MILESTONE_LABELS = {
    "received": T("ໄດ້ຮັບຄຳຮ້ອງແລ້ວ", "Received"),
    "returned": T("ສົ່ງຄືນເພື່ອເພີ່ມເອກະສານ", "Returned for missing documents"),
    "in_review": T("ກຳລັງພິຈາລະນາ", "Under review"),
    "approved": T("ອະນຸມັດແລ້ວ", "Approved"),
    "payment": T("ອະນຸມັດແລ້ວ, ລໍຖ້າຊຳລະຄ່າທຳນຽມ", "Approved, awaiting fee payment"),
    "ready": T("ເອກະສານພ້ອມແລ້ວ, ກະລຸນາມາຮັບ", "Ready for collection"),
    "completed": T("ສຳເລັດ, ມອບເອກະສານແລ້ວ", "Completed, handed over"),
    "rejected": T("ຄຳຮ້ອງຖືກປະຕິເສດ", "Rejected"),
}

RETURN_COND = "decision == 'return'"
REJECT_COND = "decision == 'reject'"


def intake(pid, pname, lanes, style="formKey"):
    """Start, front-desk document check, return loop to the applicant, rejection end."""
    p = Process(pid, pname, [(lid, LANES[lid][0]) for lid in lanes])
    p.node("StartEvent_1", "start", A, "ຍື່ນຄຳຮ້ອງ")
    p.node("Task_Check", "user", FD, "ກວດສອບເອກະສານ", en="Check documents",
           form="document_check", form_style=style)
    p.node("Gateway_Check", "xgw", FD, "ເອກະສານຄົບບໍ?")
    p.node("Task_ProvideDocuments", "user", A, "ສົ່ງເອກະສານເພີ່ມເຕີມ", en="Provide missing documents",
           form="provide_documents", form_style=style)
    # in the approver's lane, below the main path: rejection edges go down, return edges go up
    p.node("EndEvent_Rejected", "end", AP, "ຄຳຮ້ອງຖືກປະຕິເສດ", last_column=True)
    p.flow("StartEvent_1", "Task_Check")
    p.flow("Task_Check", "Gateway_Check")
    p.flow("Gateway_Check", "Task_ProvideDocuments", "ເອກະສານບໍ່ຄົບ", RETURN_COND)
    p.flow("Task_ProvideDocuments", "Task_Check", "ສົ່ງເອກະສານຄືນ")
    p.flow("Gateway_Check", "EndEvent_Rejected", "ປະຕິເສດ", REJECT_COND)
    return p


def decide(p, gw, next_id, ok_name="ເຫັນດີ", allow_return=True):
    """Outgoing flows of a decision gateway: return to the applicant, reject, otherwise go on."""
    if allow_return:
        p.flow(gw, "Task_ProvideDocuments", "ສົ່ງຄືນ", RETURN_COND, back=True)
    p.flow(gw, "EndEvent_Rejected", "ປະຕິເສດ", REJECT_COND)
    p.flow(gw, next_id, ok_name, default=True)


def review(p, task_id, lane, lo, en, gw_id, form="officer_review", style="formKey", **kw):
    p.node(task_id, "user", lane, lo, en=en, form=form, form_style=style, **kw)
    p.node(gw_id, "xgw", lane, "ຜົນການພິຈາລະນາ")
    p.flow(task_id, gw_id)


def finish(p, prev_gw, fee, issue_lo, issue_en, end_lo, style="formKey", approve_lo="ພິຈາລະນາອະນຸມັດ",
           approve_en="Approve"):
    """Approval by the approver, fee at the cashier (if any), hand-out at the front desk."""
    p.node("Task_Approve", "user", AP, approve_lo, en=approve_en, form="approval_decision", form_style=style)
    p.node("Gateway_Approve", "xgw", AP, "ອະນຸມັດບໍ?")
    if fee:
        p.node("Task_Payment", "user", CA, "ຊຳລະຄ່າທຳນຽມ", en="Record fee payment", form="fee_payment",
               form_style=style)
    p.node("Task_Issue", "user", FD, issue_lo, en=issue_en, form="certificate_issue", form_style=style)
    p.node("EndEvent_Issued", "end", FD, end_lo)
    decide(p, prev_gw, "Task_Approve")
    p.flow("Task_Approve", "Gateway_Approve")
    p.flow("Gateway_Approve", "EndEvent_Rejected", "ບໍ່ອະນຸມັດ", REJECT_COND)
    if fee:
        p.flow("Gateway_Approve", "Task_Payment", "ອະນຸມັດ", default=True)
        p.flow("Task_Payment", "Task_Issue")
    else:
        p.flow("Gateway_Approve", "Task_Issue", "ອະນຸມັດ", default=True)
    p.flow("Task_Issue", "EndEvent_Issued")


def milestones(review_ids, fee):
    ms = [
        ("received", ["StartEvent_1", "Task_Check"]),
        ("returned", ["Task_ProvideDocuments"]),
        ("in_review", review_ids + ["Task_Approve"]),
    ]
    if fee:
        ms.append(("payment", ["Task_Payment"]))
    ms += [
        ("ready", ["Task_Issue"]),
        ("completed", ["EndEvent_Issued"]),
        ("rejected", ["EndEvent_Rejected"]),
    ]
    return [{"id": mid, "elements": FlowList(els), "label": MILESTONE_LABELS[mid]} for mid, els in ms]


def service_yaml(p, *, name, description, sector, application_form, documents, fee, days, review_ids):
    return {
        "id": p.id,
        "name": name,
        "description": dict(description),  # block style: long text
        "sector": sector,
        "process": p.id,
        "application_form": application_form,
        "documents": [T(lo, en) for lo, en in documents],
        "fee": Flow(amount=fee, currency="LAK"),
        "time_limit_days": days,
        "lanes": {lid: LANES[lid][1] for lid, _ in p.lanes},
        "labels": {n.id: T(n.name, n.en) for n in p.nodes.values() if n.kind == "user"},
        "milestones": milestones(review_ids, fee > 0),
    }


# ====================================================================== services

def enterprise_registration():
    lanes = [A, FD, "Lane_Commerce", AP, CA]
    p = intake("enterprise_registration", "ຈົດທະບຽນວິສາຫະກິດ", lanes)
    review(p, "Task_Review", "Lane_Commerce", "ພິຈາລະນາຄຳຮ້ອງຈົດທະບຽນ", "Review the registration", "Gateway_Review")
    p.node("Script_Controlled", "script", "Lane_Commerce", "ກວດປະເພດກິດຈະການ",
           script="controlled = business_type in ('alcohol', 'pharmacy')")
    p.node("Gateway_Controlled", "xgw", "Lane_Commerce", "ກິດຈະການຄວບຄຸມບໍ?")
    review(p, "Task_ControlledReview", "Lane_Commerce", "ພິຈາລະນາກິດຈະການຄວບຄຸມ", "Controlled-activity review",
           "Gateway_ControlledReview")
    p.flow("Gateway_Check", "Task_Review", "ຄົບຖ້ວນ", default=True)
    decide(p, "Gateway_Review", "Script_Controlled")
    p.flow("Script_Controlled", "Gateway_Controlled")
    p.flow("Gateway_Controlled", "Task_ControlledReview", "ກິດຈະການຄວບຄຸມ", "controlled")
    finish(p, "Gateway_ControlledReview", 200000, "ມອບໃບທະບຽນວິສາຫະກິດ", "Hand out the enterprise registration",
           "ອອກໃບທະບຽນແລ້ວ", approve_lo="ອະນຸມັດການຈົດທະບຽນ", approve_en="Approve the registration")
    p.flow("Gateway_Controlled", "Task_Approve", "ກິດຈະການທົ່ວໄປ", default=True)
    y = service_yaml(
        p,
        name=T("ໃບທະບຽນວິສາຫະກິດ", "Enterprise registration"),
        description=T(
            "ການຈົດທະບຽນວິສາຫະກິດສ່ວນບຸກຄົນ ແລະ ວິສາຫະກິດຂະໜາດນ້ອຍ. ກິດຈະການຄວບຄຸມ ເຊັ່ນ: ການຈຳໜ່າຍເຄື່ອງດື່ມທີ່ມີທາດເຫຼົ້າ "
            "ແລະ ຮ້ານຂາຍຢາ ຕ້ອງຜ່ານການພິຈາລະນາເພີ່ມເຕີມ (ເພີ່ມອີກປະມານ 13 ວັນລັດຖະການ).",
            "Registration of an individual or small enterprise. Controlled activities such as the sale of "
            "alcoholic beverages or pharmacies get an additional review (about 13 more working days)."),
        sector="commerce",
        application_form="enterprise_application",
        documents=[
            ("ຄຳຮ້ອງຂໍຈົດທະບຽນວິສາຫະກິດ", "Application form"),
            ("ສຳເນົາບັດປະຈຳຕົວ ຫຼື ປື້ມສຳມະໂນຄົວ", "Copy of the ID card or family book"),
            ("ຮູບຖ່າຍ 3x4 ຈຳນວນ 3 ໃບ", "Three 3x4 photos"),
        ],
        fee=200000, days=10, review_ids=["Task_Review", "Task_ControlledReview"])
    return p, y, "ໃບທະບຽນວິສາຫະກິດ"


def construction_permit():
    lanes = [A, FD, "Lane_PublicWorks", AP, CA]
    p = intake("construction_permit", "ອະນຸຍາດປຸກສ້າງ", lanes)
    review(p, "Task_Review", "Lane_PublicWorks", "ພິຈາລະນາແບບແປນ ແລະ ເອກະສານ", "Review plans and documents",
           "Gateway_Review")
    review(p, "Task_SiteInspection", "Lane_PublicWorks", "ກວດກາສະຖານທີ່ກໍ່ສ້າງ", "Inspect the building site",
           "Gateway_Inspection", form="site_inspection", candidate_groups="public_works_officer")
    p.flow("Gateway_Check", "Task_Review", "ຄົບຖ້ວນ", default=True)
    decide(p, "Gateway_Review", "Task_SiteInspection")
    finish(p, "Gateway_Inspection", 500000, "ມອບໃບອະນຸຍາດປຸກສ້າງ", "Hand out the construction permit",
           "ອອກໃບອະນຸຍາດແລ້ວ", approve_lo="ອະນຸມັດໃບອະນຸຍາດ", approve_en="Approve the permit")
    y = service_yaml(
        p,
        name=T("ໃບອະນຸຍາດປຸກສ້າງ", "Construction permit"),
        description=T(
            "ໃບອະນຸຍາດປຸກສ້າງເຮືອນ ຫຼື ອາຄານ. ຂັ້ນເມືອງອອກໃຫ້ອາຄານທີ່ມີເນື້ອທີ່ບໍ່ເກີນ 400 ຕາແມັດ ແລະ ສູງບໍ່ເກີນ 10 ແມັດ; "
            "ອາຄານທີ່ໃຫຍ່ກວ່ານັ້ນ ຍື່ນຢູ່ຂັ້ນແຂວງ ຫຼື ນະຄອນຫຼວງ. ພະນັກງານຈະລົງກວດກາສະຖານທີ່ກ່ອນອະນຸມັດ.",
            "Permit to build a house or building. Districts issue permits up to 400 m² and 10 m high; larger "
            "buildings are handled by the province or the capital. An officer inspects the site before approval."),
        sector="public_works",
        application_form="construction_application",
        documents=[
            ("ຄຳຮ້ອງຂໍອະນຸຍາດປຸກສ້າງ", "Application form"),
            ("ປື້ມສຳມະໂນຄົວ ຫຼື ໃບຢັ້ງຢືນທີ່ຢູ່ (ອາຍຸບໍ່ເກີນ 3 ເດືອນ)",
             "Family book or residence certificate (not older than 3 months)"),
            ("ສຳເນົາໃບຕາດິນ", "Copy of the land title"),
            ("ໃບເຫັນດີຂອງເພື່ອນບ້ານໃກ້ຄຽງ", "Neighbours' consent"),
            ("ແບບແປນກໍ່ສ້າງ", "Building plans"),
        ],
        fee=500000, days=30, review_ids=["Task_Review", "Task_SiteInspection"])
    return p, y, "ໃບອະນຸຍາດປຸກສ້າງ"


def residence_certificate():
    # SpiffArena-style forms (formJsonSchemaFilename) on every user task of this service
    s = "spiff"
    lanes = [A, FD, "Lane_Village", AP, CA]
    p = intake("residence_certificate", "ຢັ້ງຢືນທີ່ຢູ່", lanes, style=s)
    review(p, "Task_VillageCertify", "Lane_Village", "ນາຍບ້ານຢັ້ງຢືນທີ່ຢູ່", "Village chief certifies the residence",
           "Gateway_Village", style=s)
    p.flow("Gateway_Check", "Task_VillageCertify", "ຄົບຖ້ວນ", default=True)
    finish(p, "Gateway_Village", 25000, "ມອບໃບຢັ້ງຢືນທີ່ຢູ່", "Hand out the residence certificate",
           "ອອກໃບຢັ້ງຢືນແລ້ວ", style=s, approve_lo="ເຊັນ ແລະ ປະທັບຕາຂັ້ນເມືອງ", approve_en="District signature and stamp")
    y = service_yaml(
        p,
        name=T("ໃບຢັ້ງຢືນທີ່ຢູ່", "Residence certificate"),
        description=T(
            "ໃບຢັ້ງຢືນວ່າຜູ້ຍື່ນຄຳຮ້ອງອາໄສຢູ່ບ້ານ ແລະ ເມືອງນີ້ ແທ້. ນາຍບ້ານຢັ້ງຢືນກ່ອນ, ຈາກນັ້ນເມືອງເຊັນ ແລະ ປະທັບຕາ.",
            "Certifies that the applicant lives in the village and district. The village chief certifies first, "
            "then the district signs and stamps."),
        sector="administration",
        application_form="residence_application",
        documents=[
            ("ປື້ມສຳມະໂນຄົວ", "Family book"),
            ("ບັດປະຈຳຕົວ", "ID card"),
        ],
        fee=25000, days=1, review_ids=["Task_VillageCertify"])
    return p, y, "ໃບຢັ້ງຢືນທີ່ຢູ່"


def family_book_change():
    lanes = [A, FD, "Lane_PublicSecurity", AP, CA]
    p = intake("family_book_change", "ປ່ຽນແປງປື້ມສຳມະໂນຄົວ", lanes)
    review(p, "Task_Review", "Lane_PublicSecurity", "ກວດສອບຂໍ້ມູນສຳມະໂນຄົວ", "Verify the household register",
           "Gateway_Review")
    p.flow("Gateway_Check", "Task_Review", "ຄົບຖ້ວນ", default=True)
    finish(p, "Gateway_Review", 30000, "ມອບປື້ມສຳມະໂນຄົວທີ່ປັບປຸງແລ້ວ", "Hand back the updated family book",
           "ປັບປຸງປື້ມແລ້ວ", approve_lo="ອະນຸມັດການປ່ຽນແປງ", approve_en="Approve the change")
    y = service_yaml(
        p,
        name=T("ການປ່ຽນແປງປື້ມສຳມະໂນຄົວ", "Family-book change"),
        description=T(
            "ເພີ່ມ, ຕັດ ຫຼື ແກ້ໄຂລາຍການໃນປື້ມສຳມະໂນຄົວ (ເກີດ, ຕາຍ, ຍ້າຍເຂົ້າ, ຍ້າຍອອກ). ຄ່າທຳນຽມຄິດໄລ່ຕາມລາຍການ.",
            "Add, remove or correct entries in the family book (birth, death, moving in or out). "
            "The fee is charged per entry."),
        sector="public_security",
        application_form="family_book_application",
        documents=[
            ("ປື້ມສຳມະໂນຄົວ", "Family book"),
            ("ບັດປະຈຳຕົວຂອງສະມາຊິກທີ່ກ່ຽວຂ້ອງ", "ID cards of the members concerned"),
            ("ໃບແຈ້ງເກີດ, ໃບແຈ້ງຕາຍ ຫຼື ໃບແຈ້ງຍ້າຍອອກ (ຕາມກໍລະນີ)",
             "Birth or death certificate, or move-out letter (as applicable)"),
        ],
        fee=30000, days=3, review_ids=["Task_Review"])
    return p, y, "ປື້ມສຳມະໂນຄົວ"


def birth_certificate():
    lanes = [A, FD, "Lane_HomeAffairs", AP]  # free service: no cashier
    p = intake("birth_certificate", "ແຈ້ງເກີດ", lanes)
    review(p, "Task_Review", "Lane_HomeAffairs", "ກວດສອບຂໍ້ມູນການເກີດ", "Verify the birth record", "Gateway_Review")
    p.flow("Gateway_Check", "Task_Review", "ຄົບຖ້ວນ", default=True)
    finish(p, "Gateway_Review", 0, "ມອບໃບແຈ້ງເກີດ", "Hand out the birth certificate", "ອອກໃບແຈ້ງເກີດແລ້ວ",
           approve_lo="ອະນຸມັດໃບແຈ້ງເກີດ", approve_en="Approve the birth certificate")
    y = service_yaml(
        p,
        name=T("ໃບແຈ້ງເກີດ", "Birth certificate"),
        description=T(
            "ການແຈ້ງເກີດ ແລະ ອອກໃບແຈ້ງເກີດໃຫ້ເດັກເກີດໃໝ່. ບໍ່ເສຍຄ່າທຳນຽມ. ສາມາດຍື່ນພ້ອມກັບການເພີ່ມຊື່ເດັກໃນປື້ມສຳມະໂນຄົວ.",
            "Registration of a birth and issue of the birth certificate. Free of charge. Can be requested together "
            "with adding the child to the family book."),
        sector="home_affairs",
        application_form="birth_application",
        documents=[
            ("ໃບແຈ້ງການເກີດຈາກໂຮງໝໍ", "Hospital birth notice"),
            ("ບັດປະຈຳຕົວຂອງພໍ່ ແລະ ແມ່", "Parents' ID cards"),
            ("ປື້ມສຳມະໂນຄົວ", "Family book"),
        ],
        fee=0, days=3, review_ids=["Task_Review"])
    return p, y, "ໃບແຈ້ງເກີດ"


def marriage_certificate():
    s = "formRef"  # Camunda 7.16+ style form references on this service
    lanes = [A, FD, "Lane_HomeAffairs", AP, CA]
    p = intake("marriage_certificate", "ຈົດທະບຽນສົມລົດ", lanes, style=s)
    review(p, "Task_Review", "Lane_HomeAffairs", "ພິຈາລະນາເອກະສານສົມລົດ", "Review the marriage documents",
           "Gateway_Review", style=s)
    p.flow("Gateway_Check", "Task_Review", "ຄົບຖ້ວນ", default=True)
    finish(p, "Gateway_Review", 80000, "ຈົດທະບຽນ ແລະ ມອບໃບທະບຽນສົມລົດ", "Register and hand out the marriage certificate",
           "ຈົດທະບຽນສົມລົດແລ້ວ", style=s, approve_lo="ອະນຸມັດການຈົດທະບຽນສົມລົດ", approve_en="Approve the marriage")
    y = service_yaml(
        p,
        name=T("ໃບທະບຽນສົມລົດ", "Marriage certificate"),
        description=T(
            "ການຈົດທະບຽນສົມລົດລະຫວ່າງພົນລະເມືອງລາວ ຢູ່ຂັ້ນເມືອງ. ການແຕ່ງງານກັບຄົນຕ່າງປະເທດ ຈົດທະບຽນຢູ່ຂັ້ນແຂວງ ຫຼື ນະຄອນຫຼວງ.",
            "Registration of a marriage between Lao citizens at the district. Marriages with a foreign national are "
            "registered at the province or the capital."),
        sector="home_affairs",
        application_form="marriage_application",
        documents=[
            ("ບັດປະຈຳຕົວຂອງທັງສອງຝ່າຍ", "ID cards of both spouses"),
            ("ປື້ມສຳມະໂນຄົວຂອງທັງສອງຝ່າຍ", "Family books of both spouses"),
            ("ໃບຢັ້ງຢືນສະຖານະພາບໂສດ", "Single-status certificates"),
            ("ໃບຢັ້ງຢືນສຸຂະພາບ", "Health certificates"),
        ],
        fee=80000, days=5, review_ids=["Task_Review"])
    return p, y, "ໃບທະບຽນສົມລົດ"


def small_guesthouse_licence():
    lanes = [A, FD, "Lane_Tourism", AP, CA]
    p = intake("small_guesthouse_licence", "ອະນຸຍາດເຮືອນພັກ", lanes)
    review(p, "Task_Review", "Lane_Tourism", "ພິຈາລະນາຄຳຮ້ອງ", "Review the application", "Gateway_Review")
    review(p, "Task_SiteInspection", "Lane_Tourism", "ກວດກາເຮືອນພັກ", "Inspect the guesthouse", "Gateway_Inspection",
           form="site_inspection")
    p.flow("Gateway_Check", "Task_Review", "ຄົບຖ້ວນ", default=True)
    decide(p, "Gateway_Review", "Task_SiteInspection")
    finish(p, "Gateway_Inspection", 300000, "ມອບໃບອະນຸຍາດເຮືອນພັກ", "Hand out the guesthouse licence",
           "ອອກໃບອະນຸຍາດແລ້ວ", approve_lo="ອະນຸມັດໃບອະນຸຍາດ", approve_en="Approve the licence")
    y = service_yaml(
        p,
        name=T("ໃບອະນຸຍາດເຮືອນພັກ", "Small guesthouse licence"),
        description=T(
            "ໃບອະນຸຍາດດຳເນີນທຸລະກິດເຮືອນພັກຂະໜາດນ້ອຍ. ຕ້ອງມີໃບທະບຽນວິສາຫະກິດກ່ອນ. ພະນັກງານທ່ອງທ່ຽວຈະລົງກວດກາສະຖານທີ່.",
            "Licence to operate a small guesthouse. An enterprise registration is needed first. A tourism officer "
            "inspects the premises."),
        sector="tourism_culture",
        application_form="guesthouse_application",
        documents=[
            ("ຄຳຮ້ອງຂໍອະນຸຍາດ", "Application form"),
            ("ສຳເນົາໃບທະບຽນວິສາຫະກິດ", "Copy of the enterprise registration"),
            ("ລະບຽບພາຍໃນຂອງເຮືອນພັກ", "House rules of the guesthouse"),
            ("ຮູບຖ່າຍ 3x4", "3x4 photos"),
        ],
        fee=300000, days=15, review_ids=["Task_Review", "Task_SiteInspection"])
    return p, y, "ໃບອະນຸຍາດເຮືອນພັກ"


def land_title_transfer():
    lanes = [A, FD, "Lane_Village", "Lane_Land", AP, CA]
    p = intake("land_title_transfer", "ໂອນສິດນຳໃຊ້ທີ່ດິນ", lanes)
    p.node("Gateway_Split", "pgw", "Lane_Land", "ກວດສອບພ້ອມກັນ")
    p.node("Task_VillageCertify", "user", "Lane_Village", "ນາຍບ້ານຢັ້ງຢືນ", en="Village chief certification",
           form="village_certification")
    p.node("Task_TitleVerification", "user", "Lane_Land", "ກວດຄວາມຖືກຕ້ອງຂອງໃບຕາດິນ", en="Check the land title",
           form="title_verification")
    p.node("Gateway_Join", "pgw", "Lane_Land", "ຄົບທັງສອງ")
    review(p, "Task_Review", "Lane_Land", "ພິຈາລະນາການໂອນ", "Review the transfer", "Gateway_Review")
    p.flow("Gateway_Check", "Gateway_Split", "ຄົບຖ້ວນ", default=True)
    p.flow("Gateway_Split", "Task_VillageCertify")
    p.flow("Gateway_Split", "Task_TitleVerification")
    p.flow("Task_VillageCertify", "Gateway_Join")
    p.flow("Task_TitleVerification", "Gateway_Join")
    p.flow("Gateway_Join", "Task_Review")
    finish(p, "Gateway_Review", 95000, "ມອບໃບຕາດິນທີ່ໂອນແລ້ວ", "Hand out the transferred land title",
           "ໂອນສິດແລ້ວ", approve_lo="ອະນຸມັດການໂອນ", approve_en="Approve the transfer")
    y = service_yaml(
        p,
        name=T("ການໂອນສິດນຳໃຊ້ທີ່ດິນ", "Land-use right transfer"),
        description=T(
            "ການໂອນສິດນຳໃຊ້ທີ່ດິນ (ຊື້-ຂາຍ). ຄ່າທຳນຽມ: ຢັ້ງຢືນຂອງບ້ານ 15.000 ກີບ, ກວດໃບຕາດິນ 30.000 ກີບ, ໂອນ 50.000 ກີບ; "
            "ອາກອນການໂອນຄິດໄລ່ຕ່າງຫາກ.",
            "Transfer of a land-use right (sale). Fees: village certification 15,000 kip, title check 30,000 kip, "
            "transfer 50,000 kip; the transfer tax is computed separately."),
        sector="land",
        application_form="land_transfer_application",
        documents=[
            ("ແບບຟອມຄຳຮ້ອງ", "Application forms"),
            ("ໃບຢັ້ງຢືນຂອງນາຍບ້ານ", "Village chief's certification"),
            ("ໃບຢັ້ງຢືນຄວາມຖືກຕ້ອງຂອງໃບຕາດິນ", "Certificate of title accuracy"),
            ("ສັນຍາຊື້-ຂາຍ", "Sale agreement"),
            ("ໃບຕາດິນສະບັບແທ້", "Original land title"),
        ],
        fee=95000, days=5, review_ids=["Task_VillageCertify", "Task_TitleVerification", "Task_Review"])
    return p, y, "ການໂອນສິດນຳໃຊ້ທີ່ດິນ"


SERVICES = [
    enterprise_registration,
    construction_permit,
    residence_certificate,
    family_book_change,
    birth_certificate,
    marriage_certificate,
    small_guesthouse_licence,
    land_title_transfer,
]
