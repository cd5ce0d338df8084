"""The validator's findings in Lao and English, by stable code.

Each entry: ``message`` and ``hint`` as ``{"lo": ..., "en": ...}`` with ``{name}`` placeholders filled by
engine.catalogue.problems.problem(code, file, ..., **params), and a default ``severity``. Codes are
``<area>.<what>``: ``bpmn.*`` (elements and ids), ``timer.*``, ``route.*`` (decisions and gateways),
``store.*`` (database limits). The tests check that both languages exist and use the same placeholders.
Support-matrix refusals (engine.catalogue.support) carry their own bilingual text and use ``bpmn.unsupported``.
"""
from __future__ import annotations

MESSAGES: dict[str, dict] = {
    "bpmn.unsupported": {
        "message": {"lo": "ອົງປະກອບທີ່ບໍ່ຮອງຮັບ {tag}: ແພລດຟອມບໍ່ຮອງຮັບ {what_lo}",
                    "en": "unsupported element {tag}: {what_en} is not supported by the platform"},
        "hint": {"lo": "{hint_lo}", "en": "{hint_en}"},
    },
    "bpmn.unsupported_attribute": {
        "message": {"lo": "{attribute} ຂອງ {tag} ບໍ່ຮອງຮັບ: ແພລດຟອມບໍ່ຮອງຮັບ {what_lo}",
                    "en": "{attribute} on {tag} is not supported: {what_en} is not supported by the platform"},
        "hint": {"lo": "{hint_lo}", "en": "{hint_en}"},
    },
    "bpmn.unknown_element": {
        "message": {"lo": "ອົງປະກອບ BPMN {tag} ບໍ່ຢູ່ໃນຕາຕະລາງການຮອງຮັບ", "en": "unknown BPMN element {tag}: it is not "
                    "in the support matrix"},
        "hint": {"lo": "ເບິ່ງ docs/BPMN_SUPPORT.md ສຳລັບອົງປະກອບທີ່ໃຊ້ໄດ້",
                 "en": "see docs/BPMN_SUPPORT.md for the elements you can use"},
    },
    "bpmn.ignored": {
        "message": {"lo": "{what_lo} ({tag}) ຖືກຮັບໄວ້ເປັນເອກະສານ: ບໍ່ມີຜົນເມື່ອຂະບວນການເຮັດວຽກ",
                    "en": "{tag} ({what_en}) is kept as documentation: it is ignored when the process runs"},
        "hint": {"lo": "{hint_lo}", "en": "{hint_en}"},
        "severity": "warning",
    },
    "bpmn.duplicate_id": {
        "message": {"lo": "ລະຫັດອົງປະກອບ {id} ຖືກໃຊ້ສອງເທື່ອ: {first} ແຖວ {first_line} ແລະ {second} ແຖວ {second_line}",
                    "en": "the element id {id} is used twice: {first} line {first_line} and "
                          "{second} line {second_line}"},
        "hint": {"lo": "ປ່ຽນລະຫັດຂອງອົງປະກອບໜຶ່ງໃນ modeler ເພື່ອໃຫ້ທຸກລະຫັດບໍ່ຊ້ຳກັນໃນທຸກໄຟລ໌ຂອງບໍລິການ",
                 "en": "rename one of them in the modeler: ids must be unique across all files of a service"},
    },
    "bpmn.reserved_id": {
        "message": {"lo": "ລະຫັດອົງປະກອບ {id} ເປັນຊື່ທີ່ເຄື່ອງຈັກຂະບວນການສະຫງວນໄວ້",
                    "en": "the element id {id} is a name the process engine reserves for itself"},
        "hint": {"lo": "ປ່ຽນລະຫັດເປັນຊື່ອື່ນ, ເຊັ່ນ {suggestion}",
                 "en": "rename the element, e.g. to {suggestion}"},
    },
    "bpmn.id_too_long": {
        "message": {"lo": "ລະຫັດ {what} ຍາວ {length} ຕົວອັກສອນ, ເກີນຂີດຈຳກັດ {limit}",
                    "en": "the {what} id is {length} characters long, more than the limit of {limit}"},
        "hint": {"lo": "ຕັ້ງລະຫັດທີ່ສັ້ນກວ່າ {limit} ຕົວອັກສອນໃນ modeler",
                 "en": "give it an id of at most {limit} characters in the modeler"},
    },
    "bpmn.name_too_long": {
        "message": {"lo": "ຊື່ຂອງ {what} ຍາວ {length} ຕົວອັກສອນ, ເກີນຂີດຈຳກັດ {limit}",
                    "en": "the name of the {what} is {length} characters long, more than the limit of {limit}"},
        "hint": {"lo": "ຕັ້ງຊື່ທີ່ສັ້ນກວ່າ {limit} ຕົວອັກສອນ",
                 "en": "shorten the name to at most {limit} characters"},
    },
    "timer.invalid": {
        "message": {"lo": "ເວລາຂອງໂມງຈັບເວລາ {expression} ອ່ານບໍ່ໄດ້: {reason}",
                    "en": "the timer expression {expression} cannot be read: {reason}"},
        "hint": {"lo": "ຂຽນໄລຍະເວລາ ISO 8601 (P3D, PT4H), ວັນທີ-ເວລາ (2027-01-15T09:00:00 ຫຼື "
                       "2027-01-15T09:00:00+07:00) ຫຼື ຮອບ (R3/PT1H)",
                 "en": "write an ISO 8601 duration (P3D, PT4H), a date-time (2027-01-15T09:00:00 or "
                       "2027-01-15T09:00:00+07:00) or a cycle (R3/PT1H)"},
    },
    "timer.missing": {
        "message": {"lo": "ໂມງຈັບເວລາບໍ່ມີເວລາ (timeDuration, timeDate ຫຼື timeCycle)",
                    "en": "the timer has no time (timeDuration, timeDate or timeCycle)"},
        "hint": {"lo": "ໃສ່ເວລາໃນ modeler", "en": "set the timer's duration, date or cycle in the modeler"},
    },
    "timer.cycle_local": {
        "message": {"lo": "ວັນທີເລີ່ມຂອງຮອບ {expression} ບໍ່ມີເຂດເວລາ",
                    "en": "the start of the cycle {expression} has no offset"},
        "hint": {"lo": "ຂຽນເຂດເວລາໃສ່ວັນທີເລີ່ມ, ເຊັ່ນ R/2027-01-15T09:00:00+07:00/P1D",
                 "en": "give the start an offset, e.g. R/2027-01-15T09:00:00+07:00/P1D"},
    },
    "timer.cycle_gateway": {
        "message": {"lo": "ຮອບເວລາ {expression} ຫຼັງທາງແຍກຕາມເຫດການ {gateway} ບໍ່ເຄີຍເກີດຂຶ້ນ",
                    "en": "the cycle {expression} behind the event-based gateway {gateway} would never fire"},
        "hint": {"lo": "ໃຊ້ timeDuration ຫຼື timeDate ຫຼັງທາງແຍກຕາມເຫດການ, ຫຼື ຮອບເວລາຢູ່ເຫດການຂອບທີ່ບໍ່ຂັດຈັງຫວະ",
                 "en": "use a timeDuration or timeDate behind an event-based gateway, or put the cycle on a "
                       "non-interrupting boundary event"},
    },
    "timer.local_time": {
        "message": {"lo": "ວັນທີ-ເວລາ {expression} ບໍ່ມີເຂດເວລາ: ຖືວ່າເປັນເວລາຕາມເຂດເວລາຂອງສູນທີ່ຄຳຮ້ອງຢູ່ "
                          "({zone} ຖ້າສູນບໍ່ໄດ້ກຳນົດເຂດເວລາອື່ນ)",
                    "en": "the date-time {expression} has no offset: it is read in the time zone of the centre "
                          "where the case runs ({zone} unless the centre sets another)"},
        "hint": {"lo": "ຂຽນ +07:00 ທ້າຍເວລາ ຖ້າຕ້ອງການເວລານະຄອນຫຼວງວຽງຈັນສະເໝີ",
                 "en": "add +07:00 to pin it to Vientiane time whatever the centre"},
        "severity": "warning",
    },
    "route.no_route": {
        "message": {"lo": "ທາງແຍກ {gateway} ບໍ່ມີທາງສຳລັບ {field} = {value} ຂອງໜ້າວຽກ {task}",
                    "en": "the gateway {gateway} has no route for {field} = {value} of the task {task}"},
        "hint": {"lo": "ເພີ່ມເສັ້ນທາງທີ່ມີເງື່ອນໄຂສຳລັບ {value} ຫຼື ເສັ້ນທາງຕັ້ງຕົ້ນ (default flow) ທີ່ທາງແຍກ",
                 "en": "add a flow with a condition for {value}, or mark one flow as the default flow of the gateway"},
    },
    "route.decision_unread": {
        "message": {"lo": "ການຕັດສິນ ({values}) ຂອງໜ້າວຽກ {task} ບໍ່ມີເງື່ອນໄຂໃດອ່ານ ກ່ອນໜ້າວຽກຕໍ່ໄປ: {effect}",
                    "en": "no condition reads the decision ({values}) of the task {task} before the next task: "
                          "{effect}"},
        "hint": {"lo": "ວາງທາງແຍກຫຼັງໜ້າວຽກທີ່ມີເງື່ອນໄຂຕາມ decision (ເຊັ່ນ decision == 'reject' ໄປຫາເຫດການສິ້ນສຸດ "
                       "ທີ່ປະຕິເສດ), ຫຼື ເອົາທາງເລືອກ return ແລະ reject ອອກຈາກແບບຟອມ, ຫຼື ໃຊ້ແບບຟອມທີ່ບໍ່ມີຊ່ອງ "
                       "decision",
                 "en": "put a gateway with conditions on decision after the task (e.g. decision == 'reject' to a "
                       "rejection end event), or remove the return and reject choices from the form, or give it "
                       "a form without a decision field"},
        "severity": "warning",
    },
    "route.decision_overwritten": {
        "message": {"lo": "ໜ້າວຽກ {task} ເຮັດຫຼາຍຮອບ (multi-instance) ແລະ ທຸກຮອບຂຽນ decision ດຽວກັນ: ການປະຕິເສດຂອງຮອບໜຶ່ງ "
                          "ຈະຖືກຮອບຕໍ່ໄປທີ່ອະນຸມັດຂຽນທັບ, ທາງແຍກຫຼັງມັນເຫັນພຽງຮອບສຸດທ້າຍ",
                    "en": "the task {task} runs several instances (multi-instance) that all write one decision: an "
                          "instance's reject is overwritten by a later approve, and the gateway after it sees only "
                          "the last one"},
        "hint": {"lo": "ອ່ານ decision ໃນເງື່ອນໄຂສຳເລັດ (ເຊັ່ນ decision == 'reject' ຢຸດຮອບ), ຫຼື ເກັບແຕ່ລະຮອບໄວ້ໃນ "
                       "output collection ແລ້ວຕັດສິນຈາກມັນ, ຫຼື ເອົາ return ແລະ reject ອອກຈາກແບບຟອມ",
                 "en": "read decision in the completion condition (e.g. decision == 'reject' ends the rounds), or keep "
                       "each instance's answer in an output collection and decide on that, or remove return and "
                       "reject from the form"},
    },
    "route.no_route_answer": {
        "message": {"lo": "ທາງແຍກ {gateway} ບໍ່ມີທາງເມື່ອຄຳຕອບແມ່ນ {answers}: ບໍ່ມີເງື່ອນໄຂໃດເປັນຈິງ ແລະ ບໍ່ມີເສັ້ນທາງຕັ້ງຕົ້ນ, "
                          "ຄຳຮ້ອງຈະຄ້າງຢູ່",
                    "en": "the gateway {gateway} has no route when the answers are {answers}: no condition holds "
                          "and there is no default flow, so the case would be stuck"},
        "hint": {"lo": "ເພີ່ມເສັ້ນທາງທີ່ມີເງື່ອນໄຂສຳລັບຄຳຕອບເຫຼົ່ານີ້ ຫຼື ເສັ້ນທາງຕັ້ງຕົ້ນ (default flow) ທີ່ທາງແຍກ, "
                       "ຫຼື ເອົາທາງເລືອກນັ້ນອອກຈາກແບບຟອມ",
                 "en": "add a flow with a condition for these answers, or mark one flow as the default flow of "
                       "the gateway, or remove that choice from the form"},
    },
    "route.condition_fails": {
        "message": {"lo": "ເງື່ອນໄຂ {condition} ຂອງທາງແຍກ {gateway} ຜິດພາດເມື່ອ {field} = {value}: {reason}",
                    "en": "the condition {condition} at the gateway {gateway} fails when {field} = {value}: {reason}"},
        "hint": {"lo": "ແກ້ເງື່ອນໄຂໃຫ້ໃຊ້ຊ່ອງຂໍ້ມູນຂອງແບບຟອມ",
                 "en": "correct the condition so that it only uses fields of the form"},
    },
    "bpmn.engine_error": {
        "message": {"lo": "ເຄື່ອງຈັກຂະບວນການອ່ານອົງປະກອບນີ້ບໍ່ໄດ້ ({detail})",
                    "en": "the process engine cannot read this element ({detail})"},
        "hint": {"lo": "ກວດອົງປະກອບນີ້ໃນ modeler ແລະ ທຽບກັບ docs/BPMN_SUPPORT.md",
                 "en": "check this element in the modeler against docs/BPMN_SUPPORT.md"},
    },
    "bpmn.conditional_flow_from_activity": {
        "message": {"lo": "ເສັ້ນທາງ {flow} ອອກຈາກ {activity} ມີເງື່ອນໄຂ: ແພລດຟອມເລືອກທາງທີ່ທາງແຍກເທົ່ານັ້ນ",
                    "en": "the flow {flow} out of {activity} has a condition: the platform chooses paths at gateways "
                          "only"},
        "hint": {"lo": "ວາງທາງແຍກ (exclusive gateway) ຫຼັງ {activity} ແລະ ຍ້າຍເງື່ອນໄຂໄປໃສ່ເສັ້ນທາງຂອງມັນ",
                 "en": "put an exclusive gateway after {activity} and move the conditions onto its flows"},
    },
    "bpmn.no_start": {
        "message": {"lo": "{what} {activity} ບໍ່ມີເຫດການເລີ່ມຕົ້ນ", "en": "the {what} {activity} has no start event"},
        "hint": {"lo": "ແຕ້ມເຫດການເລີ່ມຕົ້ນທຳມະດາ (none start event) ແລະ ເຊື່ອມມັນກັບໜ້າວຽກທຳອິດ",
                 "en": "draw a plain (none) start event and connect it to the first task"},
    },
    "bpmn.call_not_executable": {
        "message": {"lo": "ກິດຈະກຳເອີ້ນ {activity} ເອີ້ນຂະບວນການ {process} ທີ່ບໍ່ໄດ້ໝາຍວ່າ executable: ມັນຈະບໍ່ເຮັດວຽກ",
                    "en": "the call activity {activity} calls the process {process}, which is not marked executable: "
                          "it would never run"},
        "hint": {"lo": "ໝາຍຂະບວນການ {process} ວ່າ executable (isExecutable=\"true\"; ໃນ modeler: ຊ່ອງ Executable "
                       "ຂອງ pool ນັ້ນ)",
                 "en": "mark the process {process} executable (isExecutable=\"true\"; in the modeler: the pool's "
                       "Executable checkbox)"},
    },
    "bpmn.dangling_flow": {
        "message": {"lo": "ເສັ້ນທາງ {flow} ເຊື່ອມກັບ {ref} ເຊິ່ງບໍ່ມີໃນຂະບວນການ",
                    "en": "the flow {flow} connects to {ref}, which is not an element of the process"},
        "hint": {"lo": "ເຊື່ອມເສັ້ນທາງຄືນໃໝ່ ຫຼື ລຶບມັນໃນ modeler",
                 "en": "reconnect the flow to an element, or delete it, in the modeler"},
    },
    "route.unassigned_task": {
        "message": {"lo": "ໜ້າວຽກ {task} ບໍ່ມີບົດບາດຫ້ອງການ: ຈະໄປຫາຫົວໜ້າຂອງສູນ",
                    "en": "the task {task} has no office role: it goes to the centre's supervisor"},
        "hint": {"lo": "ວາງໜ້າວຽກໄວ້ໃນເລນຂອງຫ້ອງການ ຫຼື ຕັ້ງ candidateGroups",
                 "en": "put the task in its office's lane or set candidateGroups"},
        "severity": "warning",
    },
}

# findings about other modelers' files live in their own module (issue 13); one catalogue for problem()
from engine.catalogue.messages_modeler import MODELER_MESSAGES  # noqa: E402

MESSAGES.update(MODELER_MESSAGES)

# findings about the files themselves (encoding, YAML syntax): engine.catalogue.messages_files
from engine.catalogue.messages_files import FILE_MESSAGES  # noqa: E402

MESSAGES.update(FILE_MESSAGES)
