"""The BPMN support matrix: the one table the validator enforces and docs/BPMN_SUPPORT.md describes.

Every BPMN 2.0 element a modeler can write has a row, keyed by

* ``tag`` for elements (``userTask``, ``sequenceFlow``, ``laneSet`` ...),
* ``tag:trigger`` for events (``intermediateCatchEvent:message``, ``boundaryEvent:timer``, ``endEvent:none``),
* ``tag@attribute`` or ``tag@attribute=value`` for attributes that change what runs (``*`` is any element),
* ``prefix:name`` for modeler extensions (``camunda:formKey``, ``zeebe:taskDefinition``, ``spiffworkflow:property``).

A row's status is one of

* ``supported``: runs end to end; ``tests`` names the conformance scenarios (tests/conformance/data/<name>) or
  tests that show it;
* ``limited``: runs, within the limits its note states (the validator enforces those limits elsewhere);
* ``ignored``: accepted as documentation, nothing runs (a warning names the element);
* ``refused``: the upload is refused with the row's message and hint, in Lao and English.

An element of the BPMN namespace that has no row is refused too, so nothing unknown is accepted and then stuck.
tests/engine/test_support_matrix.py checks that the doc and this table agree and that each refused row is refused.
"""
from __future__ import annotations

from dataclasses import dataclass

SUPPORTED, LIMITED, IGNORED, REFUSED = "supported", "limited", "ignored", "refused"
STATUSES = (SUPPORTED, LIMITED, IGNORED, REFUSED)
EVENT_TAGS = ("startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent")
TRIGGERS = ("message", "timer", "error", "escalation", "signal", "conditional", "compensate", "cancel", "link",
            "terminate")


@dataclass(frozen=True)
class Support:
    key: str
    status: str
    group: str
    what: dict  # {lo, en}: what the construct is, for messages and the doc
    note: dict  # {lo, en}: the limits (limited/ignored) or the hint: what to use instead (refused)
    tests: tuple[str, ...] = ()


def _t(lo: str, en: str) -> dict:
    return {"lo": lo, "en": en}


NO_CASE_START = _t("ຄຳຮ້ອງເລີ່ມເມື່ອປະຊາຊົນຍື່ນຄຳຮ້ອງ: ໃຊ້ເຫດການເລີ່ມຕົ້ນທຳມະດາ (none start event)",
                   "a case starts when a citizen applies: use a plain (none) start event")
NO_MESSAGES = _t("ແພລດຟອມບໍ່ມີທາງສົ່ງຂໍ້ຄວາມເຂົ້າໃນຄຳຮ້ອງ: ໃຊ້ໜ້າວຽກຜູ້ໃຊ້ (user task) ທີ່ພະນັກງານບັນທຶກສິ່ງທີ່ໄດ້ຮັບ, "
                 "ຫຼື ໂມງຈັບເວລາ",
                 "the platform has no way to deliver a message into a case: use a user task in which staff record "
                 "what arrived, or a timer")
NO_SIGNALS = _t("ແພລດຟອມບໍ່ສົ່ງສັນຍານລະຫວ່າງຄຳຮ້ອງ: ໃຊ້ທາງແຍກທີ່ມີເງື່ອນໄຂ ຫຼື ໜ້າວຽກຜູ້ໃຊ້",
                "the platform does not broadcast signals between cases: use a gateway with conditions or a user task")
NO_CONDITIONAL = _t("ບໍ່ມີຫຍັງປະເມີນເງື່ອນໄຂຄືນໃໝ່ໃນຂະນະທີ່ລໍຖ້າ: ໃຊ້ທາງແຍກທີ່ມີເງື່ອນໄຂຫຼັງໜ້າວຽກ",
                    "nothing re-evaluates a condition while a case waits: use an exclusive gateway after a task")
NO_COMPENSATION = _t("ການຊົດເຊີຍບໍ່ຮອງຮັບ: ສ້າງເສັ້ນທາງຍົກເລີກທີ່ມີໜ້າວຽກຂອງມັນເອງ",
                     "compensation is not supported: draw the undo path with its own tasks")
NO_LINKS = _t("ເຊື່ອມດ້ວຍເສັ້ນລຳດັບ (sequence flow) ແທນເຫດການເຊື່ອມຕໍ່",
              "connect the two places with a sequence flow instead of link events")
NO_EVENT_SUBPROCESS = _t("ໃຊ້ເຫດການຂອບ (boundary event) ຈັບເວລາ, ຂໍ້ຜິດພາດ ຫຼື ການຍົກລະດັບ ຢູ່ເທິງຂະບວນການຍ່ອຍ",
                         "use a timer, error or escalation boundary event on a subprocess instead")
NO_MULTIPLE = _t("ໃຊ້ນິຍາມເຫດການດຽວຕໍ່ເຫດການ", "give the event a single event definition")
ABSTRACT = _t("ອົງປະກອບນາມມະທຳຂອງ schema: ໃຊ້ອົງປະກອບທີ່ເປັນຮູບປະທຳ", "an abstract schema element: use a concrete "
              "element")
NO_CHOREOGRAPHY = _t("ການອອກແບບການໂຕ້ຕອບເຮັດວຽກບໍ່ໄດ້: ແຕ້ມຂະບວນການທີ່ມີເລນ",
                     "choreographies are not executable: draw a process with lanes")
DOCUMENTATION = _t("ຮັບໄວ້ເປັນເອກະສານ, ບໍ່ມີຜົນເມື່ອຂະບວນການເຮັດວຽກ", "kept as documentation; nothing runs")


def _row(key, status, group, what_lo, what_en, note=None, tests=()):
    if not any("\u0e80" <= ch <= "\u0eff" for ch in what_lo):  # a vendor name: say in Lao what it is
        what_lo = f"{'ຄຸນສົມບັດ' if '@' in key else 'ສ່ວນຂະຫຍາຍ'} {what_lo}"
    return Support(key, status, group, _t(what_lo, what_en), note or _t("", ""), tuple(tests))


# exclusive and inclusive gateways: what engine.catalogue.routes and routes_answers check at upload
_ROUTED = _t("ທຸກຄ່າຂອງການຕັດສິນໃນແບບຟອມກ່ອນໜ້າ ແລະ ທຸກຄຳຕອບແບບເລືອກ ຫຼື ແມ່ນ/ບໍ່ ທີ່ເງື່ອນໄຂອ່ານ ຕ້ອງມີເສັ້ນທາງ "
             "ຫຼື ເສັ້ນທາງຕັ້ງຕົ້ນ (ກວດສອບຕອນອັບໂຫຼດ)",
             "every decision value of the form before it, and every choice or yes/no answer its conditions read, "
             "needs a route or a default flow (checked at upload)")

TABLE: tuple[Support, ...] = (
    # ---- events -------------------------------------------------------------------------------------
    _row("startEvent:none", SUPPORTED, "Events", "ເຫດການເລີ່ມຕົ້ນ", "none start event", tests=["human_tasks"]),
    _row("startEvent:timer", REFUSED, "Events", "ເຫດການເລີ່ມຕົ້ນຈັບເວລາ", "timer start event", NO_CASE_START),
    _row("startEvent:message", REFUSED, "Events", "ເຫດການເລີ່ມຕົ້ນດ້ວຍຂໍ້ຄວາມ", "message start event", NO_CASE_START),
    _row("startEvent:signal", REFUSED, "Events", "ເຫດການເລີ່ມຕົ້ນດ້ວຍສັນຍານ", "signal start event", NO_CASE_START),
    _row("startEvent:conditional", REFUSED, "Events", "ເຫດການເລີ່ມຕົ້ນມີເງື່ອນໄຂ", "conditional start event",
         NO_CASE_START),
    _row("startEvent:error", REFUSED, "Events", "ເຫດການເລີ່ມຕົ້ນຂໍ້ຜິດພາດ", "error start event", NO_EVENT_SUBPROCESS),
    _row("startEvent:escalation", REFUSED, "Events", "ເຫດການເລີ່ມຕົ້ນການຍົກລະດັບ", "escalation start event",
         NO_EVENT_SUBPROCESS),
    _row("startEvent:compensate", REFUSED, "Events", "ເຫດການເລີ່ມຕົ້ນການຊົດເຊີຍ", "compensation start event",
         NO_COMPENSATION),
    _row("startEvent:multiple", REFUSED, "Events", "ເຫດການເລີ່ມຕົ້ນຫຼາຍແບບ", "multiple start event", NO_CASE_START),
    _row("endEvent:none", SUPPORTED, "Events", "ເຫດການສິ້ນສຸດ", "none end event", tests=["human_tasks"]),
    _row("endEvent:terminate", SUPPORTED, "Events", "ເຫດການສິ້ນສຸດທັງໝົດ", "terminate end event",
         tests=["terminate_end", "parallel_ends"]),
    _row("endEvent:error", LIMITED, "Events", "ເຫດການສິ້ນສຸດຂໍ້ຜິດພາດ", "error end event",
         _t("ໃຊ້ພາຍໃນຂະບວນການຍ່ອຍ ຫຼື ຂະບວນການທີ່ຖືກເອີ້ນ ທີ່ມີເຫດການຂອບຂໍ້ຜິດພາດຈັບມັນ",
            "only inside a subprocess or called process whose error boundary event catches it"),
         tests=["error_boundary"]),
    _row("endEvent:escalation", LIMITED, "Events", "ເຫດການສິ້ນສຸດການຍົກລະດັບ", "escalation end event",
         _t("ໃຊ້ພາຍໃນຂະບວນການຍ່ອຍທີ່ມີເຫດການຂອບການຍົກລະດັບຈັບມັນ",
            "only inside a subprocess whose escalation boundary event catches it"), tests=["escalation_boundary"]),
    _row("endEvent:message", REFUSED, "Events", "ເຫດການສິ້ນສຸດສົ່ງຂໍ້ຄວາມ", "message end event",
         _t("ໃຊ້ເຫດການສິ້ນສຸດທຳມະດາ; ແພລດຟອມແຈ້ງປະຊາຊົນຕາມຂັ້ນຕອນ (milestone)",
            "use a none end event; the platform notifies the citizen by milestones")),
    _row("endEvent:signal", REFUSED, "Events", "ເຫດການສິ້ນສຸດສົ່ງສັນຍານ", "signal end event", NO_SIGNALS),
    _row("endEvent:cancel", REFUSED, "Events", "ເຫດການສິ້ນສຸດຍົກເລີກ", "cancel end event",
         _t("ທຸລະກຳບໍ່ຮອງຮັບ: ໃຊ້ເຫດການສິ້ນສຸດຂໍ້ຜິດພາດ ແລະ ເຫດການຂອບຂໍ້ຜິດພາດ",
            "transactions are not supported: use an error end event and an error boundary event")),
    _row("endEvent:compensate", REFUSED, "Events", "ເຫດການສິ້ນສຸດການຊົດເຊີຍ", "compensation end event",
         NO_COMPENSATION),
    _row("endEvent:multiple", REFUSED, "Events", "ເຫດການສິ້ນສຸດຫຼາຍແບບ", "multiple end event", NO_MULTIPLE),
    _row("intermediateCatchEvent:timer", SUPPORTED, "Events", "ເຫດການລໍຖ້າເວລາ", "intermediate timer event",
         tests=["intermediate_timers", "intermediate_cycle", "intermediate_cycle_end",
                "local_date_timer"]),
    _row("intermediateCatchEvent:message", REFUSED, "Events", "ເຫດການລໍຖ້າຂໍ້ຄວາມ", "intermediate message catch event",
         NO_MESSAGES),
    _row("intermediateCatchEvent:signal", REFUSED, "Events", "ເຫດການລໍຖ້າສັນຍານ", "intermediate signal catch event",
         NO_SIGNALS),
    _row("intermediateCatchEvent:conditional", REFUSED, "Events", "ເຫດການລໍຖ້າເງື່ອນໄຂ",
         "intermediate conditional catch event", NO_CONDITIONAL),
    _row("intermediateCatchEvent:link", REFUSED, "Events", "ເຫດການເຊື່ອມຕໍ່ (ຮັບ)", "link catch event", NO_LINKS),
    _row("intermediateCatchEvent:none", REFUSED, "Events", "ເຫດການລໍຖ້າທີ່ບໍ່ມີນິຍາມ",
         "intermediate catch event without a definition",
         _t("ເລືອກເຫດການຈັບເວລາ ຫຼື ລຶບເຫດການນີ້", "make it a timer event or remove it")),
    _row("intermediateCatchEvent:multiple", REFUSED, "Events", "ເຫດການລໍຖ້າຫຼາຍແບບ", "multiple catch event",
         NO_MULTIPLE),
    _row("intermediateThrowEvent:none", SUPPORTED, "Events", "ເຫດການກາງ (ເຄື່ອງໝາຍຂັ້ນຕອນ)",
         "none intermediate event (a milestone marker)", tests=["none_throw"]),
    _row("intermediateThrowEvent:escalation", LIMITED, "Events", "ເຫດການສົ່ງການຍົກລະດັບ",
         "intermediate escalation throw event",
         _t("ພາຍໃນຂະບວນການຍ່ອຍທີ່ມີເຫດການຂອບການຍົກລະດັບຈັບມັນ",
            "inside a subprocess whose escalation boundary event catches it"), tests=["escalation_boundary"]),
    _row("intermediateThrowEvent:message", REFUSED, "Events", "ເຫດການສົ່ງຂໍ້ຄວາມ", "intermediate message throw event",
         _t("ໃຊ້ໜ້າວຽກບໍລິການ (service task) ທີ່ມີຕົວເຊື່ອມຕໍ່ ເພື່ອແຈ້ງລະບົບອື່ນ",
            "use a service task with a connector to notify another system")),
    _row("intermediateThrowEvent:signal", REFUSED, "Events", "ເຫດການສົ່ງສັນຍານ", "intermediate signal throw event",
         NO_SIGNALS),
    _row("intermediateThrowEvent:compensate", REFUSED, "Events", "ເຫດການສົ່ງການຊົດເຊີຍ",
         "intermediate compensation throw event", NO_COMPENSATION),
    _row("intermediateThrowEvent:link", REFUSED, "Events", "ເຫດການເຊື່ອມຕໍ່ (ສົ່ງ)", "link throw event", NO_LINKS),
    _row("intermediateThrowEvent:multiple", REFUSED, "Events", "ເຫດການສົ່ງຫຼາຍແບບ", "multiple throw event",
         NO_MULTIPLE),
    _row("boundaryEvent:timer", SUPPORTED, "Events", "ເຫດການຂອບຈັບເວລາ", "boundary timer event (interrupting or not)",
         tests=["timer_boundary_task", "embedded_subprocess", "cycle_boundary_open_path"]),
    _row("boundaryEvent:error", SUPPORTED, "Events", "ເຫດການຂອບຂໍ້ຜິດພາດ", "error boundary event",
         tests=["error_boundary"]),
    _row("boundaryEvent:escalation", SUPPORTED, "Events", "ເຫດການຂອບການຍົກລະດັບ",
         "escalation boundary event (interrupting or not)", tests=["escalation_boundary"]),
    _row("boundaryEvent:message", REFUSED, "Events", "ເຫດການຂອບຂໍ້ຄວາມ", "message boundary event", NO_MESSAGES),
    _row("boundaryEvent:signal", REFUSED, "Events", "ເຫດການຂອບສັນຍານ", "signal boundary event", NO_SIGNALS),
    _row("boundaryEvent:conditional", REFUSED, "Events", "ເຫດການຂອບເງື່ອນໄຂ", "conditional boundary event",
         NO_CONDITIONAL),
    _row("boundaryEvent:cancel", REFUSED, "Events", "ເຫດການຂອບຍົກເລີກ", "cancel boundary event",
         _t("ທຸລະກຳບໍ່ຮອງຮັບ: ໃຊ້ເຫດການຂອບຂໍ້ຜິດພາດ", "transactions are not supported: use an error boundary event")),
    _row("boundaryEvent:compensate", REFUSED, "Events", "ເຫດການຂອບການຊົດເຊີຍ", "compensation boundary event",
         NO_COMPENSATION),
    _row("boundaryEvent:none", REFUSED, "Events", "ເຫດການຂອບທີ່ບໍ່ມີນິຍາມ", "boundary event without a definition",
         _t("ເລືອກເຫດການຂອບຈັບເວລາ, ຂໍ້ຜິດພາດ ຫຼື ການຍົກລະດັບ", "make it a timer, error or escalation boundary event")),
    _row("boundaryEvent:multiple", REFUSED, "Events", "ເຫດການຂອບຫຼາຍແບບ", "multiple boundary event", NO_MULTIPLE),
    _row("boundaryEvent@cancelActivity=false", SUPPORTED, "Events", "ເຫດການຂອບບໍ່ຂັດຈັງຫວະ",
         "non-interrupting boundary event (timer, escalation)", tests=["timer_boundary_task", "embedded_subprocess"]),
    _row("timerEventDefinition", LIMITED, "Timers", "ນິຍາມໂມງຈັບເວລາ", "timer definition",
         _t("timeDuration, timeDate ຫຼື timeCycle ແບບ ISO 8601; ວັນທີທີ່ບໍ່ມີເຂດເວລາແມ່ນເວລາຂອງສູນ; "
            "ອ່ານ FEEL ຂອງ Camunda 8 (= duration(\"P7D\")) ເປັນຂໍ້ຄວາມ ISO; ກວດສອບຕອນອັບໂຫຼດ; ນິພົດຈາກຂໍ້ມູນ "
            "(\"P\" + str(days) + \"D\") ຄິດໄລ່ເມື່ອຄຳຮ້ອງມາຮອດ",
            "ISO 8601 timeDuration, timeDate or timeCycle; a date-time without an offset is the centre's local "
            "time; the zone-id form 2027-01-15T09:00:00+07:00[Asia/Vientiane] is read; Camunda 8 FEEL literals "
            "(= duration(\"P7D\"), = date and time(\"…\"), = \"PT1H\") are read as their ISO text; checked at "
            "upload; an expression over case data (\"P\" + str(days) + \"D\") runs when the case reaches the timer"),
         tests=["intermediate_timers", "cycle_timer"]),
    # ---- tasks --------------------------------------------------------------------------------------
    _row("userTask", SUPPORTED, "Tasks", "ໜ້າວຽກຜູ້ໃຊ້", "user task", tests=["human_tasks"]),
    _row("manualTask", SUPPORTED, "Tasks", "ໜ້າວຽກດ້ວຍມື", "manual task",
         _t("ເປັນໜ້າວຽກໃນກ່ອງວຽກຂອງບົດບາດເລນ ທີ່ມີແບບຟອມຢືນຢັນ",
            "an inbox task of its lane's role with a confirmation form"), tests=["human_tasks", "timer_boundary_task"]),
    _row("task", SUPPORTED, "Tasks", "ໜ້າວຽກທົ່ວໄປ", "task (plain)",
         _t("ເປັນໜ້າວຽກໃນກ່ອງວຽກຂອງບົດບາດເລນ ທີ່ມີແບບຟອມຢືນຢັນ",
            "an inbox task of its lane's role with a confirmation form"), tests=["human_tasks", "timer_boundary_task"]),
    _row("scriptTask", LIMITED, "Tasks", "ໜ້າວຽກສະຄຣິບ", "script task",
         _t("Python ໃນ sandbox: ບໍ່ມີ import, ບໍ່ມີຊື່ທີ່ຂຶ້ນຕົ້ນດ້ວຍ _",
            "Python in the sandbox: no imports, no names starting with _"), tests=["script_task"]),
    _row("scriptTask@scriptFormat", REFUSED, "Tasks", "ພາສາສະຄຣິບອື່ນ", "a script language other than Python",
         _t("ຂຽນສະຄຣິບເປັນ Python (scriptFormat=python) ຫຼື ປ່ອຍວ່າງ",
            "write the script in Python (scriptFormat python) or leave the format empty")),
    _row("scriptTask@scriptFormat=python", SUPPORTED, "Tasks", "ສະຄຣິບ Python", "Python script",
         tests=["script_task"]),
    _row("serviceTask", LIMITED, "Tasks", "ໜ້າວຽກບໍລິການ", "service task",
         _t("ເອີ້ນຕົວເຊື່ອມຕໍ່ທີ່ຕັ້ງຊື່ໂດຍ camunda:topic, spiffworkflow:serviceTaskOperator ຫຼື ລະຫັດໜ້າວຽກ",
            "calls the connector named by camunda:topic, spiffworkflow:serviceTaskOperator, a 'connector' "
            "property or the task id"), tests=["service_task"]),
    _row("sendTask", REFUSED, "Tasks", "ໜ້າວຽກສົ່ງ", "send task",
         _t("ໃຊ້ໜ້າວຽກບໍລິການທີ່ມີຕົວເຊື່ອມຕໍ່", "use a service task with a connector")),
    _row("receiveTask", REFUSED, "Tasks", "ໜ້າວຽກຮັບ", "receive task", NO_MESSAGES),
    _row("businessRuleTask", REFUSED, "Tasks", "ໜ້າວຽກກົດທຸລະກິດ (DMN)", "business rule task (DMN)",
         _t("ຕາຕະລາງ DMN ບໍ່ຮອງຮັບ: ໃຊ້ທາງແຍກທີ່ມີເງື່ອນໄຂ ຫຼື ໜ້າວຽກສະຄຣິບ",
            "DMN tables are not supported: use an exclusive gateway with conditions or a script task")),
    _row("*@isForCompensation=true", REFUSED, "Tasks", "ໜ້າວຽກຊົດເຊີຍ", "compensation activity", NO_COMPENSATION),
    _row("*@startQuantity", REFUSED, "Tasks", "ຈຳນວນເລີ່ມຕົ້ນຫຼາຍກວ່າ 1", "start quantity above 1",
         _t("ປ່ອຍ startQuantity ເປັນ 1", "leave startQuantity at 1")),
    _row("*@startQuantity=1", SUPPORTED, "Tasks", "ຈຳນວນເລີ່ມຕົ້ນ 1", "start quantity 1"),
    _row("*@completionQuantity", REFUSED, "Tasks", "ຈຳນວນສຳເລັດຫຼາຍກວ່າ 1", "completion quantity above 1",
         _t("ປ່ອຍ completionQuantity ເປັນ 1", "leave completionQuantity at 1")),
    _row("*@completionQuantity=1", SUPPORTED, "Tasks", "ຈຳນວນສຳເລັດ 1", "completion quantity 1"),
    # ---- gateways -----------------------------------------------------------------------------------
    _row("exclusiveGateway", SUPPORTED, "Gateways", "ທາງແຍກເລືອກອັນດຽວ", "exclusive gateway",
         _ROUTED, tests=["exclusive_gateway"]),
    _row("parallelGateway", SUPPORTED, "Gateways", "ທາງແຍກຂະໜານ", "parallel gateway",
         tests=["parallel_gateway", "parallel_ends"]),
    _row("inclusiveGateway", SUPPORTED, "Gateways", "ທາງແຍກເລືອກຫຼາຍທາງ", "inclusive gateway",
         _ROUTED, tests=["inclusive_gateway"]),
    _row("eventBasedGateway", LIMITED, "Gateways", "ທາງແຍກຕາມເຫດການ", "event-based gateway",
         _t("ພຽງແຕ່ເຫດການຈັບເວລາຫຼັງມັນ (ເຫດການຂໍ້ຄວາມ ແລະ ສັນຍານບໍ່ຮອງຮັບ); ເວລາທີ່ຮອດກ່ອນຈະເກີດກ່ອນ, "
            "ບໍ່ວ່າຈະແຕ້ມລຽງແນວໃດ",
            "only timer events after it (message and signal events are refused); the timer due first fires, "
            "whatever order they are drawn in"), tests=["event_gateway", "event_gateway_long_first"]),
    _row("eventBasedGateway@instantiate=true", REFUSED, "Gateways", "ທາງແຍກຕາມເຫດການທີ່ເລີ່ມຄຳຮ້ອງ",
         "event-based gateway that starts a case", NO_CASE_START),
    _row("eventBasedGateway@eventGatewayType=Parallel", REFUSED, "Gateways", "ທາງແຍກຕາມເຫດການແບບຂະໜານ",
         "parallel event-based gateway", _t("ໃຊ້ eventGatewayType Exclusive", "use the Exclusive gateway type")),
    _row("complexGateway", REFUSED, "Gateways", "ທາງແຍກຊັບຊ້ອນ", "complex gateway",
         _t("ໃຊ້ທາງແຍກເລືອກອັນດຽວ, ເລືອກຫຼາຍທາງ ຫຼື ຂະໜານ",
            "use exclusive, inclusive or parallel gateways")),
    # ---- subprocesses and calls ---------------------------------------------------------------------
    _row("subProcess", SUPPORTED, "Subprocesses", "ຂະບວນການຍ່ອຍ", "embedded subprocess",
         _t("ມີເຫດການເລີ່ມຕົ້ນດຽວ", "one start event"), tests=["embedded_subprocess"]),
    _row("subProcess@triggeredByEvent=true", REFUSED, "Subprocesses", "ຂະບວນການຍ່ອຍຕາມເຫດການ", "event subprocess",
         NO_EVENT_SUBPROCESS),
    _row("transaction", REFUSED, "Subprocesses", "ທຸລະກຳ", "transaction subprocess",
         _t("ໃຊ້ຂະບວນການຍ່ອຍ ແລະ ເຫດການຂອບຂໍ້ຜິດພາດ", "use a subprocess and an error boundary event")),
    _row("adHocSubProcess", REFUSED, "Subprocesses", "ຂະບວນການຍ່ອຍ ad-hoc", "ad-hoc subprocess",
         _t("ແຕ້ມລຳດັບໜ້າວຽກດ້ວຍທາງແຍກ", "draw the order of the tasks with gateways")),
    _row("callActivity", LIMITED, "Subprocesses", "ການເອີ້ນຂະບວນການ", "call activity",
         _t("ຂະບວນການທີ່ຖືກເອີ້ນຕ້ອງຢູ່ໃນໄຟລ໌ຂອງບໍລິການດຽວກັນ; ຂໍ້ມູນເຂົ້າ-ອອກຜ່ານ ioSpecification",
            "the called process must be in the files of the same service; data in and out through its "
            "ioSpecification"), tests=["call_activity"]),
    _row("standardLoopCharacteristics", SUPPORTED, "Loops", "ການວົນຊ້ຳ", "standard loop (loopCondition, "
         "loopMaximum, testBefore)", tests=["standard_loop"]),
    _row("multiInstanceLoopCharacteristics", SUPPORTED, "Loops", "ຫຼາຍຕົວຢ່າງ", "multi-instance (parallel or "
         "sequential)", _t("ຕ້ອງມີ loopCardinality ຫຼື loopDataInputRef", "needs loopCardinality or loopDataInputRef"),
         tests=["mi_parallel_cardinality", "mi_sequential_cardinality", "mi_collection", "mi_completion_condition"]),
    _row("multiInstanceLoopCharacteristics@behavior", REFUSED, "Loops", "ພຶດຕິກຳການສົ່ງເຫດການຂອງຫຼາຍຕົວຢ່າງ",
         "multi-instance throw behaviour other than All", _t("ປ່ອຍ behavior ເປັນ All", "leave behavior at All")),
    _row("multiInstanceLoopCharacteristics@behavior=All", SUPPORTED, "Loops", "ພຶດຕິກຳ All", "behaviour All"),
    _row("complexBehaviorDefinition", REFUSED, "Loops", "ນິຍາມພຶດຕິກຳຊັບຊ້ອນ", "complex behaviour definition",
         _t("ລຶບອອກ", "remove it")),
    _row("loopCardinality", SUPPORTED, "Loops", "ຈຳນວນຮອບ", "loop cardinality", tests=["mi_parallel_cardinality"]),
    _row("loopDataInputRef", SUPPORTED, "Loops", "ຊຸດຂໍ້ມູນເຂົ້າ", "input collection", tests=["mi_collection"]),
    _row("loopDataOutputRef", SUPPORTED, "Loops", "ຊຸດຂໍ້ມູນອອກ", "output collection", tests=["mi_collection"]),
    _row("inputDataItem", SUPPORTED, "Loops", "ລາຍການຂໍ້ມູນເຂົ້າ", "input data item", tests=["mi_collection"]),
    _row("outputDataItem", SUPPORTED, "Loops", "ລາຍການຂໍ້ມູນອອກ", "output data item", tests=["mi_collection"]),
    _row("completionCondition", SUPPORTED, "Loops", "ເງື່ອນໄຂສຳເລັດ", "completion condition",
         _t("ອ່ານຕົວນັບຂອງ Camunda 7 (nrOfInstances, nrOfActiveInstances, nrOfCompletedInstances, loopCounter ນັບຈາກ 0) "
            "ແລະ Camunda 8 (numberOfInstances, numberOfActiveInstances, numberOfCompletedInstances, loopCounter ນັບຈາກ 1) "
            "ໄດ້; ຕົວນັບເຫຼົ່ານີ້ໃຊ້ບໍ່ໄດ້ຢູ່ບ່ອນອື່ນ",
            "reads the counters of Camunda 7 (nrOfInstances, nrOfActiveInstances, nrOfCompletedInstances, loopCounter "
            "from 0) and Camunda 8 (numberOfInstances, numberOfActiveInstances, numberOfCompletedInstances, "
            "loopCounter from 1); elsewhere they are refused"),
         tests=["mi_completion_condition", "mi_vars_juel_parallel", "mi_vars_juel_sequential",
                "mi_vars_feel_parallel", "mi_vars_feel_sequential"]),
    _row("loopCondition", SUPPORTED, "Loops", "ເງື່ອນໄຂວົນຊ້ຳ", "loop condition", tests=["standard_loop"]),
    _row("camunda:collection", LIMITED, "Extensions", "camunda:collection", "camunda:collection",
         _t("ອ່ານເປັນ loopDataInputRef (ແລະ camunda:elementVariable ເປັນ inputDataItem) ເມື່ອເປັນຊື່ຕົວປ່ຽນ",
            "read as loopDataInputRef (and camunda:elementVariable as inputDataItem) when it names a variable"),
         tests=["mi_camunda_collection"]),
    _row("camunda:elementVariable", SUPPORTED, "Extensions", "camunda:elementVariable", "camunda:elementVariable",
         tests=["mi_camunda_collection"]),
    _row("zeebe:loopCharacteristics", LIMITED, "Extensions", "zeebe:loopCharacteristics",
         "Camunda 8 multi-instance collection",
         _t("inputCollection/inputElement ແລະ outputCollection/outputElement ອ່ານເປັນຊຸດຂໍ້ມູນມາດຕະຖານ ເມື່ອເປັນຊື່ຕົວປ່ຽນ",
            "inputCollection/inputElement and outputCollection/outputElement are read as the standard collection "
            "and items when they name variables"), tests=["mi_zeebe_collection"]),
    _row("camunda:in", REFUSED, "Extensions", "camunda:in", "Camunda 7 call activity input mapping",
         _t("ຂະບວນການທີ່ຖືກເອີ້ນເຫັນຂໍ້ມູນຂອງຄຳຮ້ອງທັງໝົດ ແລະ ສົ່ງກັບດ້ວຍຊື່ດຽວກັນ: ລຶບ camunda:in/out ແລະ ໃຊ້ຊື່ດຽວກັນ, "
            "ຫຼື ໃຊ້ ioSpecification",
            "the called process sees all the case data and gives it back under the same names: remove camunda:in/"
            "out and use the same names in both processes, or an ioSpecification")),
    _row("camunda:out", REFUSED, "Extensions", "camunda:out", "Camunda 7 call activity output mapping",
         _t("ຂະບວນການທີ່ຖືກເອີ້ນເຫັນຂໍ້ມູນຂອງຄຳຮ້ອງທັງໝົດ ແລະ ສົ່ງກັບດ້ວຍຊື່ດຽວກັນ: ລຶບ camunda:in/out ແລະ ໃຊ້ຊື່ດຽວກັນ, "
            "ຫຼື ໃຊ້ ioSpecification",
            "the called process sees all the case data and gives it back under the same names: remove camunda:in/"
            "out and use the same names in both processes, or an ioSpecification")),
    # ---- data ---------------------------------------------------------------------------------------
    _row("dataObject", SUPPORTED, "Data", "ວັດຖຸຂໍ້ມູນ", "data object", tests=["data_objects"]),
    _row("dataObjectReference", SUPPORTED, "Data", "ການອ້າງອີງວັດຖຸຂໍ້ມູນ", "data object reference",
         tests=["data_objects"]),
    _row("dataInputAssociation", SUPPORTED, "Data", "ການເຊື່ອມຂໍ້ມູນເຂົ້າ", "data input association",
         tests=["data_objects"]),
    _row("dataOutputAssociation", SUPPORTED, "Data", "ການເຊື່ອມຂໍ້ມູນອອກ", "data output association",
         tests=["data_objects"]),
    _row("ioSpecification", LIMITED, "Data", "ຂໍ້ມູນເຂົ້າ-ອອກ", "input/output specification",
         _t("ກັ່ນຕອງຂໍ້ມູນຂອງຂະບວນການທີ່ຖືກເອີ້ນ ແລະ ໜ້າວຽກ", "filters the data of called processes and tasks"),
         tests=["call_activity"]),
    _row("dataInput", LIMITED, "Data", "ຂໍ້ມູນເຂົ້າ", "data input", _t("ພາຍໃນ ioSpecification", "inside an ioSpecification"),
         tests=["call_activity"]),
    _row("dataOutput", LIMITED, "Data", "ຂໍ້ມູນອອກ", "data output", _t("ພາຍໃນ ioSpecification", "inside an ioSpecification"),
         tests=["call_activity"]),
    _row("inputSet", SUPPORTED, "Data", "ຊຸດຂໍ້ມູນເຂົ້າ", "input set", tests=["call_activity"]),
    _row("outputSet", SUPPORTED, "Data", "ຊຸດຂໍ້ມູນອອກ", "output set", tests=["call_activity"]),
    _row("dataInputRefs", SUPPORTED, "Data", "ອ້າງອີງຂໍ້ມູນເຂົ້າ", "data input refs", tests=["call_activity"]),
    _row("dataOutputRefs", SUPPORTED, "Data", "ອ້າງອີງຂໍ້ມູນອອກ", "data output refs", tests=["call_activity"]),
    _row("dataState", IGNORED, "Data", "ສະຖານະຂໍ້ມູນ", "data state", DOCUMENTATION),
    _row("dataStore", IGNORED, "Data", "ບ່ອນເກັບຂໍ້ມູນ", "data store", DOCUMENTATION),
    _row("dataStoreReference", IGNORED, "Data", "ການອ້າງອີງບ່ອນເກັບຂໍ້ມູນ", "data store reference", DOCUMENTATION),
    _row("property", IGNORED, "Data", "ຄຸນສົມບັດ", "property", DOCUMENTATION),
    _row("itemDefinition", IGNORED, "Data", "ນິຍາມລາຍການ", "item definition", DOCUMENTATION),
    _row("assignment", IGNORED, "Data", "ການກຳນົດຄ່າ", "assignment", DOCUMENTATION),
    _row("transformation", IGNORED, "Data", "ການແປງຂໍ້ມູນ", "transformation", DOCUMENTATION),
    # ---- flows and conditions -----------------------------------------------------------------------
    _row("sequenceFlow", SUPPORTED, "Flows", "ເສັ້ນລຳດັບ", "sequence flow", tests=["exclusive_gateway"]),
    _row("conditionExpression", LIMITED, "Flows", "ເງື່ອນໄຂ", "condition expression",
         _t("ສຳນວນ Python ໃນ sandbox ເທິງຊ່ອງຂໍ້ມູນຂອງແບບຟອມ", "a sandboxed Python expression over form fields"),
         tests=["exclusive_gateway", "inclusive_gateway"]),
    _row("sequenceFlow@isImmediate", IGNORED, "Flows", "isImmediate", "isImmediate", DOCUMENTATION),
    _row("*@default", SUPPORTED, "Flows", "ເສັ້ນທາງຕັ້ງຕົ້ນ", "default flow of a gateway or activity",
         tests=["exclusive_gateway"]),
    _row("incoming", SUPPORTED, "Flows", "ເສັ້ນເຂົ້າ", "incoming"),
    _row("outgoing", SUPPORTED, "Flows", "ເສັ້ນອອກ", "outgoing"),
    _row("sourceRef", SUPPORTED, "Flows", "ແຫຼ່ງ", "source reference"),
    _row("targetRef", SUPPORTED, "Flows", "ເປົ້າໝາຍ", "target reference"),
    _row("formalExpression", SUPPORTED, "Flows", "ສຳນວນ", "formal expression"),
    _row("script", SUPPORTED, "Tasks", "ສະຄຣິບ", "script body", tests=["script_task"]),
    _row("timeDuration", SUPPORTED, "Timers", "ໄລຍະເວລາ", "time duration", tests=["intermediate_timers"]),
    _row("timeDate", SUPPORTED, "Timers", "ວັນທີ-ເວລາ", "time date", tests=["intermediate_timers", "local_date_timer"]),
    _row("timeCycle", SUPPORTED, "Timers", "ຮອບເວລາ", "time cycle",
         tests=["cycle_timer", "intermediate_cycle", "cycle_boundary_open_path"]),
    _row("errorEventDefinition", SUPPORTED, "Events", "ນິຍາມຂໍ້ຜິດພາດ", "error event definition",
         tests=["error_boundary"]),
    _row("escalationEventDefinition", SUPPORTED, "Events", "ນິຍາມການຍົກລະດັບ", "escalation event definition",
         tests=["escalation_boundary"]),
    _row("terminateEventDefinition", SUPPORTED, "Events", "ນິຍາມການສິ້ນສຸດທັງໝົດ", "terminate event definition",
         tests=["terminate_end"]),
    # ---- structure, pools and lanes -----------------------------------------------------------------
    _row("definitions", SUPPORTED, "Structure", "ນິຍາມ", "definitions"),
    _row("process", SUPPORTED, "Structure", "ຂະບວນການ", "process",
         _t("ຂະບວນການທີ່ເຮັດວຽກໄດ້ໜຶ່ງອັນທີ່ service.yaml ຕັ້ງຊື່; ຂະບວນການອື່ນຖືກເອີ້ນ ຫຼື ເປັນເອກະສານ",
            "one executable process named by service.yaml; others are called or documentation"),
         tests=["human_tasks"]),
    _row("laneSet", SUPPORTED, "Structure", "ຊຸດເລນ", "lane set", tests=["nested_lanes"]),
    _row("lane", SUPPORTED, "Structure", "ເລນ", "lane (mapped to an office role in service.yaml)",
         tests=["nested_lanes"]),
    _row("childLaneSet", SUPPORTED, "Structure", "ເລນຍ່ອຍ", "nested lanes", tests=["nested_lanes"]),
    _row("flowNodeRef", SUPPORTED, "Structure", "ອ້າງອີງໃນເລນ", "lane member", tests=["nested_lanes"]),
    _row("collaboration", LIMITED, "Structure", "ການຮ່ວມມື", "collaboration",
         _t("ພູນ (pool) ທີ່ບໍ່ເຮັດວຽກ ແລະ ເສັ້ນຂໍ້ຄວາມເປັນເອກະສານ",
            "non-executable pools and message flows are documentation")),
    _row("participant", LIMITED, "Structure", "ພູນ", "pool (participant)",
         _t("ພູນຂອງຂະບວນການທີ່ service.yaml ຕັ້ງຊື່ເຮັດວຽກ; ພູນອື່ນເປັນເອກະສານ",
            "the pool of the process service.yaml names runs; other pools are documentation")),
    _row("messageFlow", IGNORED, "Structure", "ເສັ້ນຂໍ້ຄວາມ", "message flow", DOCUMENTATION),
    _row("message", IGNORED, "Structure", "ນິຍາມຂໍ້ຄວາມ", "message definition", DOCUMENTATION),
    _row("signal", IGNORED, "Structure", "ນິຍາມສັນຍານ", "signal definition", DOCUMENTATION),
    _row("error", SUPPORTED, "Structure", "ນິຍາມຂໍ້ຜິດພາດ", "error definition", tests=["error_boundary"]),
    _row("escalation", SUPPORTED, "Structure", "ນິຍາມການຍົກລະດັບ", "escalation definition",
         tests=["escalation_boundary"]),
    _row("interface", IGNORED, "Structure", "ສ່ວນຕິດຕໍ່", "interface", DOCUMENTATION),
    _row("operation", IGNORED, "Structure", "ການດຳເນີນການ", "operation", DOCUMENTATION),
    _row("inMessageRef", IGNORED, "Structure", "ຂໍ້ຄວາມເຂົ້າ", "in message", DOCUMENTATION),
    _row("outMessageRef", IGNORED, "Structure", "ຂໍ້ຄວາມອອກ", "out message", DOCUMENTATION),
    _row("correlationKey", IGNORED, "Structure", "ກະແຈສຳພັນ", "correlation key", DOCUMENTATION),
    _row("correlationProperty", IGNORED, "Structure", "ຄຸນສົມບັດສຳພັນ", "correlation property", DOCUMENTATION),
    _row("correlationPropertyRef", IGNORED, "Structure", "ອ້າງອີງຄຸນສົມບັດສຳພັນ", "correlation property ref",
         DOCUMENTATION),
    _row("correlationPropertyRetrievalExpression", IGNORED, "Structure", "ສຳນວນສຳພັນ",
         "correlation retrieval expression", DOCUMENTATION),
    _row("messagePath", IGNORED, "Structure", "ເສັ້ນທາງຂໍ້ຄວາມ", "message path", DOCUMENTATION),
    _row("conversation", IGNORED, "Structure", "ການສົນທະນາ", "conversation", DOCUMENTATION),
    _row("conversationLink", IGNORED, "Structure", "ເສັ້ນການສົນທະນາ", "conversation link", DOCUMENTATION),
    _row("participantRef", IGNORED, "Structure", "ອ້າງອີງພູນ", "participant reference", DOCUMENTATION),
    _row("messageFlowRef", IGNORED, "Structure", "ອ້າງອີງເສັ້ນຂໍ້ຄວາມ", "message flow reference", DOCUMENTATION),
    _row("resource", IGNORED, "Structure", "ຊັບພະຍາກອນ", "resource", DOCUMENTATION),
    _row("import", IGNORED, "Structure", "ການນຳເຂົ້າ", "import", DOCUMENTATION),
    _row("extension", IGNORED, "Structure", "ສ່ວນຂະຫຍາຍ", "extension declaration", DOCUMENTATION),
    _row("humanPerformer", IGNORED, "Structure", "ຜູ້ປະຕິບັດ", "human performer",
         _t("ບໍ່ຖືກອ່ານ: ໃຊ້ເລນ ຫຼື candidateGroups", "not read: use lanes or candidateGroups")),
    _row("potentialOwner", IGNORED, "Structure", "ເຈົ້າຂອງທີ່ເປັນໄປໄດ້", "potential owner",
         _t("ບໍ່ຖືກອ່ານ: ໃຊ້ເລນ ຫຼື candidateGroups", "not read: use lanes or candidateGroups")),
    _row("performer", IGNORED, "Structure", "ຜູ້ປະຕິບັດ", "performer",
         _t("ບໍ່ຖືກອ່ານ: ໃຊ້ເລນ ຫຼື candidateGroups", "not read: use lanes or candidateGroups")),
    _row("resourceAssignmentExpression", IGNORED, "Structure", "ການມອບໝາຍຊັບພະຍາກອນ", "resource assignment",
         DOCUMENTATION),
    _row("resourceRef", IGNORED, "Structure", "ອ້າງອີງຊັບພະຍາກອນ", "resource reference", DOCUMENTATION),
    _row("choreography", REFUSED, "Structure", "ການອອກແບບການໂຕ້ຕອບ", "choreography",
         _t("ການອອກແບບການໂຕ້ຕອບເຮັດວຽກບໍ່ໄດ້: ແຕ້ມຂະບວນການທີ່ມີເລນ", "choreographies are not executable: draw a "
            "process with lanes")),
    _row("choreographyTask", REFUSED, "Structure", "ໜ້າວຽກການໂຕ້ຕອບ", "choreography task",
         _t("ການອອກແບບການໂຕ້ຕອບເຮັດວຽກບໍ່ໄດ້: ແຕ້ມຂະບວນການທີ່ມີເລນ", "choreographies are not executable: draw a "
            "process with lanes")),
    _row("subChoreography", REFUSED, "Structure", "ການໂຕ້ຕອບຍ່ອຍ", "sub-choreography",
         _t("ການອອກແບບການໂຕ້ຕອບເຮັດວຽກບໍ່ໄດ້", "choreographies are not executable")),
    _row("globalTask", REFUSED, "Structure", "ໜ້າວຽກສ່ວນກາງ", "global task",
         _t("ແຕ້ມໜ້າວຽກໃນຂະບວນການ ຫຼື ໃຊ້ການເອີ້ນຂະບວນການ", "draw the task in the process or call a process")),
    _row("globalUserTask", REFUSED, "Structure", "ໜ້າວຽກຜູ້ໃຊ້ສ່ວນກາງ", "global user task",
         _t("ແຕ້ມໜ້າວຽກໃນຂະບວນການ", "draw the task in the process")),
    _row("globalScriptTask", REFUSED, "Structure", "ໜ້າວຽກສະຄຣິບສ່ວນກາງ", "global script task",
         _t("ແຕ້ມໜ້າວຽກໃນຂະບວນການ", "draw the task in the process")),
    _row("globalManualTask", REFUSED, "Structure", "ໜ້າວຽກດ້ວຍມືສ່ວນກາງ", "global manual task",
         _t("ແຕ້ມໜ້າວຽກໃນຂະບວນການ", "draw the task in the process")),
    _row("globalBusinessRuleTask", REFUSED, "Structure", "ໜ້າວຽກກົດທຸລະກິດສ່ວນກາງ", "global business rule task",
         _t("ແຕ້ມໜ້າວຽກໃນຂະບວນການ", "draw the task in the process")),
    # ---- artifacts ----------------------------------------------------------------------------------
    _row("documentation", IGNORED, "Artifacts", "ຄຳອະທິບາຍ", "documentation", DOCUMENTATION),
    _row("textAnnotation", IGNORED, "Artifacts", "ໝາຍເຫດ", "text annotation", DOCUMENTATION),
    _row("text", IGNORED, "Artifacts", "ຂໍ້ຄວາມ", "annotation text", DOCUMENTATION),
    _row("association", IGNORED, "Artifacts", "ການເຊື່ອມໂຍງ", "association", DOCUMENTATION),
    _row("group", IGNORED, "Artifacts", "ກຸ່ມ", "group", DOCUMENTATION),
    _row("category", IGNORED, "Artifacts", "ໝວດ", "category", DOCUMENTATION),
    _row("categoryValue", IGNORED, "Artifacts", "ຄ່າໝວດ", "category value", DOCUMENTATION),
    _row("extensionElements", SUPPORTED, "Extensions", "ສ່ວນຂະຫຍາຍ", "extension elements (the ones below are read)"),
    # ---- the rest of the BPMN 2.0 schema (Semantic.xsd) ---------------------------------------------
    _row("activity", REFUSED, "Schema", "ອົງປະກອບນາມມະທຳ activity", "abstract element activity", ABSTRACT),
    _row("artifact", REFUSED, "Schema", "ອົງປະກອບນາມມະທຳ artifact", "abstract element artifact", ABSTRACT),
    _row("baseElement", REFUSED, "Schema", "ອົງປະກອບນາມມະທຳ baseElement", "abstract element baseElement", ABSTRACT),
    _row("baseElementWithMixedContent", REFUSED, "Schema", "ອົງປະກອບນາມມະທຳ baseElementWithMixedContent", "abstract element baseElementWithMixedContent", ABSTRACT),
    _row("callableElement", REFUSED, "Schema", "ອົງປະກອບນາມມະທຳ callableElement", "abstract element callableElement", ABSTRACT),
    _row("catchEvent", REFUSED, "Schema", "ອົງປະກອບນາມມະທຳ catchEvent", "abstract element catchEvent", ABSTRACT),
    _row("choreographyActivity", REFUSED, "Schema", "ອົງປະກອບນາມມະທຳ choreographyActivity", "abstract element choreographyActivity", ABSTRACT),
    _row("conversationNode", REFUSED, "Schema", "ອົງປະກອບນາມມະທຳ conversationNode", "abstract element conversationNode", ABSTRACT),
    _row("dataAssociation", REFUSED, "Schema", "ອົງປະກອບນາມມະທຳ dataAssociation", "abstract element dataAssociation", ABSTRACT),
    _row("event", REFUSED, "Schema", "ອົງປະກອບນາມມະທຳ event", "abstract element event", ABSTRACT),
    _row("eventDefinition", REFUSED, "Schema", "ອົງປະກອບນາມມະທຳ eventDefinition", "abstract element eventDefinition", ABSTRACT),
    _row("flowElement", REFUSED, "Schema", "ອົງປະກອບນາມມະທຳ flowElement", "abstract element flowElement", ABSTRACT),
    _row("flowNode", REFUSED, "Schema", "ອົງປະກອບນາມມະທຳ flowNode", "abstract element flowNode", ABSTRACT),
    _row("gateway", REFUSED, "Schema", "ອົງປະກອບນາມມະທຳ gateway", "abstract element gateway", ABSTRACT),
    _row("implicitThrowEvent", REFUSED, "Schema", "ອົງປະກອບນາມມະທຳ implicitThrowEvent", "abstract element implicitThrowEvent", ABSTRACT),
    _row("loopCharacteristics", REFUSED, "Schema", "ອົງປະກອບນາມມະທຳ loopCharacteristics", "abstract element loopCharacteristics", ABSTRACT),
    _row("rootElement", REFUSED, "Schema", "ອົງປະກອບນາມມະທຳ rootElement", "abstract element rootElement", ABSTRACT),
    _row("throwEvent", REFUSED, "Schema", "ອົງປະກອບນາມມະທຳ throwEvent", "abstract element throwEvent", ABSTRACT),
    _row("auditing", IGNORED, "Schema", "ການກວດສອບ", "auditing", DOCUMENTATION),
    _row("monitoring", IGNORED, "Schema", "ການຕິດຕາມ", "monitoring", DOCUMENTATION),
    _row("callConversation", IGNORED, "Schema", "ການເອີ້ນການສົນທະນາ", "call conversation", DOCUMENTATION),
    _row("subConversation", IGNORED, "Schema", "ການສົນທະນາຍ່ອຍ", "sub-conversation", DOCUMENTATION),
    _row("globalConversation", IGNORED, "Schema", "ການສົນທະນາສ່ວນກາງ", "global conversation", DOCUMENTATION),
    _row("conversationAssociation", IGNORED, "Schema", "ການເຊື່ອມການສົນທະນາ", "conversation association", DOCUMENTATION),
    _row("messageFlowAssociation", IGNORED, "Schema", "ການເຊື່ອມເສັ້ນຂໍ້ຄວາມ", "message flow association", DOCUMENTATION),
    _row("participantAssociation", IGNORED, "Schema", "ການເຊື່ອມພູນ", "participant association", DOCUMENTATION),
    _row("participantMultiplicity", IGNORED, "Schema", "ຈຳນວນພູນ", "participant multiplicity", DOCUMENTATION),
    _row("correlationPropertyBinding", IGNORED, "Schema", "ການຜູກຄຸນສົມບັດສຳພັນ", "correlation property binding", DOCUMENTATION),
    _row("correlationSubscription", IGNORED, "Schema", "ການຕິດຕາມສຳພັນ", "correlation subscription", DOCUMENTATION),
    _row("endPoint", IGNORED, "Schema", "ຈຸດປາຍທາງ", "end point", DOCUMENTATION),
    _row("partnerEntity", IGNORED, "Schema", "ຄູ່ຮ່ວມງານ", "partner entity", DOCUMENTATION),
    _row("partnerRole", IGNORED, "Schema", "ບົດບາດຄູ່ຮ່ວມງານ", "partner role", DOCUMENTATION),
    _row("relationship", IGNORED, "Schema", "ຄວາມສຳພັນ", "relationship", DOCUMENTATION),
    _row("rendering", IGNORED, "Schema", "ການສະແດງຜົນ", "rendering", DOCUMENTATION),
    _row("resourceParameter", IGNORED, "Schema", "ພາລາມິເຕີຊັບພະຍາກອນ", "resource parameter", DOCUMENTATION),
    _row("resourceParameterBinding", IGNORED, "Schema", "ການຜູກພາລາມິເຕີ", "resource parameter binding", DOCUMENTATION),
    _row("resourceRole", IGNORED, "Schema", "ບົດບາດຊັບພະຍາກອນ", "resource role", DOCUMENTATION),
    _row("ioBinding", IGNORED, "Schema", "ການຜູກຂໍ້ມູນ", "I/O binding", DOCUMENTATION),
    _row("categoryValueRef", IGNORED, "Schema", "ອ້າງອີງຄ່າໝວດ", "category value reference", DOCUMENTATION),
    _row("dataPath", IGNORED, "Schema", "ເສັ້ນທາງຂໍ້ມູນ", "data path", DOCUMENTATION),
    _row("endPointRef", IGNORED, "Schema", "ອ້າງອີງຈຸດປາຍທາງ", "end point reference", DOCUMENTATION),
    _row("innerParticipantRef", IGNORED, "Schema", "ອ້າງອີງພູນໃນ", "inner participant reference", DOCUMENTATION),
    _row("outerParticipantRef", IGNORED, "Schema", "ອ້າງອີງພູນນອກ", "outer participant reference", DOCUMENTATION),
    _row("interfaceRef", IGNORED, "Schema", "ອ້າງອີງສ່ວນຕິດຕໍ່", "interface reference", DOCUMENTATION),
    _row("operationRef", IGNORED, "Schema", "ອ້າງອີງການດຳເນີນການ", "operation reference", DOCUMENTATION),
    _row("supportedInterfaceRef", IGNORED, "Schema", "ອ້າງອີງສ່ວນຕິດຕໍ່ທີ່ຮອງຮັບ", "supported interface reference", DOCUMENTATION),
    _row("supports", IGNORED, "Schema", "ການຮອງຮັບ", "supports", DOCUMENTATION),
    _row("source", IGNORED, "Schema", "ແຫຼ່ງ", "relationship source", DOCUMENTATION),
    _row("target", IGNORED, "Schema", "ເປົ້າໝາຍ", "relationship target", DOCUMENTATION),
    _row("partitionElement", IGNORED, "Schema", "ອົງປະກອບແບ່ງສ່ວນ", "lane partition element", DOCUMENTATION),
    _row("choreographyRef", IGNORED, "Schema", "ອ້າງອີງການໂຕ້ຕອບ", "choreography reference", DOCUMENTATION),
    _row("from", SUPPORTED, "Schema", "ຈາກ", "assignment source"),
    _row("to", SUPPORTED, "Schema", "ຫາ", "assignment target"),
    _row("expression", SUPPORTED, "Schema", "ສຳນວນ", "expression"),
    _row("errorRef", SUPPORTED, "Schema", "ອ້າງອີງຂໍ້ຜິດພາດ", "error reference"),
    _row("inputSetRefs", SUPPORTED, "Schema", "ອ້າງອີງຊຸດຂໍ້ມູນເຂົ້າ", "input set references"),
    _row("outputSetRefs", SUPPORTED, "Schema", "ອ້າງອີງຊຸດຂໍ້ມູນອອກ", "output set references"),
    _row("optionalInputRefs", SUPPORTED, "Schema", "ຂໍ້ມູນເຂົ້າທາງເລືອກ", "optional input references"),
    _row("optionalOutputRefs", SUPPORTED, "Schema", "ຂໍ້ມູນອອກທາງເລືອກ", "optional output references"),
    _row("whileExecutingInputRefs", SUPPORTED, "Schema", "ຂໍ້ມູນເຂົ້າລະຫວ່າງເຮັດວຽກ", "while-executing input references"),
    _row("whileExecutingOutputRefs", SUPPORTED, "Schema", "ຂໍ້ມູນອອກລະຫວ່າງເຮັດວຽກ", "while-executing output references"),
    _row("messageEventDefinition", REFUSED, "Schema", "ນິຍາມເຫດການຂໍ້ຄວາມ", "message event definition", NO_MESSAGES),
    _row("signalEventDefinition", REFUSED, "Schema", "ນິຍາມເຫດການສັນຍານ", "signal event definition", NO_SIGNALS),
    _row("conditionalEventDefinition", REFUSED, "Schema", "ນິຍາມເຫດການເງື່ອນໄຂ", "conditional event definition", NO_CONDITIONAL),
    _row("compensateEventDefinition", REFUSED, "Schema", "ນິຍາມການຊົດເຊີຍ", "compensation event definition", NO_COMPENSATION),
    _row("linkEventDefinition", REFUSED, "Schema", "ນິຍາມເຫດການເຊື່ອມຕໍ່", "link event definition", NO_LINKS),
    _row("cancelEventDefinition", REFUSED, "Schema", "ນິຍາມການຍົກເລີກ", "cancel event definition", NO_COMPENSATION),
    _row("eventDefinitionRef", REFUSED, "Schema", "ອ້າງອີງນິຍາມເຫດການ", "event definition reference", NO_MULTIPLE),
    _row("condition", REFUSED, "Schema", "ເງື່ອນໄຂຂອງເຫດການ", "event condition", NO_CONDITIONAL),
    _row("activationCondition", REFUSED, "Schema", "ເງື່ອນໄຂເປີດໃຊ້", "activation condition", NO_CONDITIONAL),
    _row("callChoreography", REFUSED, "Schema", "ການເອີ້ນການໂຕ້ຕອບ", "call choreography", NO_CHOREOGRAPHY),
    _row("globalChoreographyTask", REFUSED, "Schema", "ໜ້າວຽກການໂຕ້ຕອບສ່ວນກາງ", "global choreography task", NO_CHOREOGRAPHY),
    # ---- modeler extensions -------------------------------------------------------------------------
    _row("camunda:formKey", SUPPORTED, "Extensions", "camunda:formKey", "Camunda 7 form key", tests=["human_tasks"]),
    _row("camunda:formRef", SUPPORTED, "Extensions", "camunda:formRef", "Camunda 7 form reference"),
    _row("camunda:candidateGroups", SUPPORTED, "Extensions", "camunda:candidateGroups",
         "Camunda 7 candidate groups (office roles)", tests=["human_tasks"]),
    _row("camunda:assignee", LIMITED, "Extensions", "camunda:assignee", "Camunda 7 assignee",
         _t("ອ່ານເປັນບົດບາດຫ້ອງການຂອງໜ້າວຽກທີ່ຢູ່ນອກເລນ", "read as the office role of a task outside any lane")),
    _row("camunda:topic", SUPPORTED, "Extensions", "camunda:topic", "Camunda 7 external task topic (connector)",
         tests=["service_task"]),
    _row("camunda:properties", SUPPORTED, "Extensions", "camunda:properties", "Camunda 7 properties"),
    _row("camunda:property", SUPPORTED, "Extensions", "camunda:property", "Camunda 7 property ('connector')"),
    _row("camunda:executionListener", REFUSED, "Extensions", "camunda:executionListener", "Camunda execution listener",
         _t("ໂຄດ Java/ສະຄຣິບຂອງ Camunda ບໍ່ເຮັດວຽກທີ່ນີ້: ໃຊ້ໜ້າວຽກສະຄຣິບ ຫຼື ໜ້າວຽກບໍລິການ",
            "Camunda's Java or script listeners do not run here: use a script task or a service task")),
    _row("camunda:taskListener", REFUSED, "Extensions", "camunda:taskListener", "Camunda task listener",
         _t("ໂຄດ Java/ສະຄຣິບຂອງ Camunda ບໍ່ເຮັດວຽກທີ່ນີ້: ໃຊ້ໜ້າວຽກສະຄຣິບ ຫຼື ໜ້າວຽກບໍລິການ",
            "Camunda's Java or script listeners do not run here: use a script task or a service task")),
    _row("camunda:class", REFUSED, "Extensions", "camunda:class", "Camunda Java delegate",
         _t("ໃຊ້ camunda:topic ຫຼື ຄຸນສົມບັດ 'connector' ເພື່ອຕັ້ງຊື່ຕົວເຊື່ອມຕໍ່",
            "name a connector with camunda:topic or a 'connector' property instead")),
    _row("camunda:delegateExpression", REFUSED, "Extensions", "camunda:delegateExpression",
         "Camunda delegate expression", _t("ໃຊ້ camunda:topic ຫຼື ຄຸນສົມບັດ 'connector' ເພື່ອຕັ້ງຊື່ຕົວເຊື່ອມຕໍ່",
                                           "name a connector with camunda:topic or a 'connector' property instead")),
    _row("camunda:expression", REFUSED, "Extensions", "camunda:expression", "Camunda expression implementation",
         _t("ໃຊ້ camunda:topic ຫຼື ຄຸນສົມບັດ 'connector' ເພື່ອຕັ້ງຊື່ຕົວເຊື່ອມຕໍ່",
            "name a connector with camunda:topic or a 'connector' property instead")),
    _row("camunda:inputOutput", IGNORED, "Extensions", "camunda:inputOutput", "Camunda input/output mapping",
         _t("ບໍ່ຖືກອ່ານ: ຂໍ້ມູນຂອງແບບຟອມມີຢູ່ໃນຄຳຮ້ອງທັງໝົດ", "not read: form fields are visible to the whole case")),
    _row("camunda:asyncBefore", IGNORED, "Extensions", "camunda:asyncBefore", "Camunda async flag", DOCUMENTATION),
    _row("camunda:asyncAfter", IGNORED, "Extensions", "camunda:asyncAfter", "Camunda async flag", DOCUMENTATION),
    _row("zeebe:formDefinition", SUPPORTED, "Extensions", "zeebe:formDefinition", "Camunda 8 form"),
    _row("zeebe:assignmentDefinition", SUPPORTED, "Extensions", "zeebe:assignmentDefinition",
         "Camunda 8 assignment (candidate groups)"),
    _row("zeebe:taskDefinition", IGNORED, "Extensions", "zeebe:taskDefinition", "Camunda 8 job type",
         _t("ບໍ່ຖືກອ່ານ: ໃຊ້ຄຸນສົມບັດ 'connector'", "not read: name the connector with a 'connector' property")),
    _row("zeebe:ioMapping", IGNORED, "Extensions", "zeebe:ioMapping", "Camunda 8 input/output mapping",
         _t("ບໍ່ຖືກອ່ານ: ຂໍ້ມູນຂອງແບບຟອມມີຢູ່ໃນຄຳຮ້ອງທັງໝົດ", "not read: form fields are visible to the whole case")),
    _row("zeebe:taskListeners", REFUSED, "Extensions", "zeebe:taskListeners", "Camunda 8 task listeners",
         _t("ຕົວຟັງຂອງ Camunda ບໍ່ເຮັດວຽກທີ່ນີ້: ໃຊ້ໜ້າວຽກບໍລິການ", "Camunda listeners do not run here: use a "
            "service task")),
    _row("zeebe:executionListeners", REFUSED, "Extensions", "zeebe:executionListeners", "Camunda 8 execution "
         "listeners", _t("ຕົວຟັງຂອງ Camunda ບໍ່ເຮັດວຽກທີ່ນີ້: ໃຊ້ໜ້າວຽກບໍລິການ", "Camunda listeners do not run "
                         "here: use a service task")),
    _row("spiffworkflow:properties", SUPPORTED, "Extensions", "spiffworkflow:properties", "SpiffArena properties"),
    _row("spiffworkflow:property", SUPPORTED, "Extensions", "spiffworkflow:property",
         "SpiffArena property (formJsonSchemaFilename, connector)"),
    _row("spiffworkflow:serviceTaskOperator", SUPPORTED, "Extensions", "spiffworkflow:serviceTaskOperator",
         "SpiffArena service task operator (connector)", tests=["service_task"]),
    _row("spiffworkflow:preScript", REFUSED, "Extensions", "spiffworkflow:preScript", "SpiffArena pre-script",
         _t("ໃຊ້ໜ້າວຽກສະຄຣິບກ່ອນໜ້າວຽກ", "use a script task before the task")),
    _row("spiffworkflow:postScript", REFUSED, "Extensions", "spiffworkflow:postScript", "SpiffArena post-script",
         _t("ໃຊ້ໜ້າວຽກສະຄຣິບຫຼັງໜ້າວຽກ", "use a script task after the task")),
)

BY_KEY: dict[str, Support] = {row.key: row for row in TABLE}
EXTENSION_PREFIXES = {"http://camunda.org/schema/1.0/bpmn": "camunda", "http://camunda.org/schema/zeebe/1.0": "zeebe",
                      "http://spiffworkflow.org/bpmn/schema/1.0/core": "spiffworkflow"}


def counts() -> dict[str, int]:
    """How many rows per status: {"supported": n, "limited": n, "ignored": n, "refused": n}."""
    out = dict.fromkeys(STATUSES, 0)
    for row in TABLE:
        out[row.status] += 1
    return out


def refusal_text(row: Support, locale: str = "en") -> str:
    """The message and hint a designer reads for a refused row (what engine.catalogue.matrix reports)."""
    from engine.catalogue.problems import problem

    base = row.key.split("@")[0]
    ns_tag = base.split(":")[0] if base.split(":")[0] in EVENT_TAGS else base
    if "@" in row.key:
        tag, attribute = row.key.split("@", 1)
        found = problem("bpmn.unsupported_attribute", "", tag="<element>" if tag == "*" else tag,
                        attribute=attribute if "=" in attribute else f"{attribute}=…", what_lo=row.what["lo"],
                        what_en=row.what["en"], hint_lo=row.note["lo"], hint_en=row.note["en"])
    else:
        found = problem("bpmn.unsupported", "", tag=ns_tag, what_lo=row.what["lo"], what_en=row.what["en"],
                        hint_lo=row.note["lo"], hint_en=row.note["en"])
    return f"{found.messages[locale]} — {found.hints[locale]}"


def markdown_table() -> str:
    """The matrix as the Markdown table docs/BPMN_SUPPORT.md holds between its MATRIX markers."""
    lines = ["| Construct (key) | Status | What | Limits, or the message the designer gets | Shown by |",
             "|---|---|---|---|---|"]
    for row in TABLE:
        if row.status == REFUSED:
            detail = refusal_text(row)
        else:
            detail = row.note["en"]
        tests = ", ".join(f"`{t}`" for t in row.tests)
        lines.append(f"| `{row.key}` | {row.status} | {row.what['en']} | {detail} | {tests} |")
    return "\n".join(lines)


def counts_text() -> str:
    """The one-line summary of the matrix the doc holds."""
    c = counts()
    return (f"{len(TABLE)} constructs: {c[SUPPORTED]} supported, {c[LIMITED]} supported with limits, "
            f"{c[IGNORED]} accepted as documentation, {c[REFUSED]} refused.")


if __name__ == "__main__":  # regenerate the doc's matrix: python -m engine.catalogue.support
    print(counts_text())
    print(markdown_table())
