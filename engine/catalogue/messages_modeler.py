"""Findings about files from other modelers (expression languages, pools, documentation elements), Lao and English.

Merged into engine.catalogue.messages.MESSAGES; same shape and rules (both languages, the same placeholders).
"""
from __future__ import annotations

_SUBSET_HINT = {
    "lo": "ຂຽນດ້ວຍຊື່, ຄ່າຄົງທີ່, ການປຽບທຽບ, and/or/not, ເລກຄະນິດ, empty ຫຼື ລາຍການ ແລະ ຊ່ວງຂອງ FEEL "
          "(ເບິ່ງ docs/BPMN_SUPPORT.md)",
    "en": "write it with names, literals, comparisons, and/or/not, arithmetic, empty, or FEEL in-lists and ranges "
          "(docs/BPMN_SUPPORT.md lists the subset)",
}

MODELER_MESSAGES: dict[str, dict] = {
    "expr.unsupported": {
        "message": {"lo": "ນິພົດ {language} «{source}» ໃຊ້ {what} ເຊິ່ງແພລດຟອມບໍ່ຮອງຮັບ",
                    "en": "the {language} expression «{source}» uses {what}, which the platform does not support"},
        "hint": _SUBSET_HINT,
    },
    "expr.language": {
        "message": {"lo": "ເງື່ອນໄຂ «{source}» ຂຽນເປັນພາສາ {language} ເຊິ່ງແພລດຟອມບໍ່ຮອງຮັບ",
                    "en": "the condition «{source}» is written in {language}, which the platform does not support"},
        "hint": _SUBSET_HINT,
    },
    "expr.syntax": {
        "message": {"lo": "{what} «{source}» ບໍ່ແມ່ນນິພົດທີ່ຖືກຕ້ອງ ({reason})",
                    "en": "the {what} «{source}» is not a valid expression ({reason})"},
        "hint": {"lo": "ຂຽນນິພົດ Python ເຊັ່ນ decision == 'reject', ຫຼື JUEL ${{…}}, ຫຼື FEEL = …",
                 "en": "write a Python expression such as decision == 'reject', or JUEL ${{…}} or FEEL = …"},
    },
    "script.language": {
        "message": {"lo": "ໜ້າວຽກສະຄຣິບ «{name}» ຂຽນເປັນ {language}; ສະຄຣິບເຮັດວຽກເປັນ Python ໃນ sandbox",
                    "en": "the script task «{name}» is written in {language}; scripts run as sandboxed Python"},
        "hint": {"lo": "ຂຽນສະຄຣິບຄືນເປັນ Python, ຫຼື ໃຊ້ໜ້າວຽກຜູ້ໃຊ້ ຫຼື ເງື່ອນໄຂແທນ",
                 "en": "rewrite the script in Python, or use a user task or a condition"},
    },
    "script.zeebe_incomplete": {
        "message": {"lo": "ໜ້າວຽກສະຄຣິບ «{name}» ຕ້ອງມີນິພົດ FEEL ແລະ ຕົວປ່ຽນຜົນລັບ",
                    "en": "the script task «{name}» needs a FEEL expression and a result variable"},
        "hint": {"lo": "ໃສ່ທັງສອງຢ່າງໃນສ່ວນ Script ຂອງ modeler",
                 "en": "fill in both in the modeler's Script section"},
    },
    "process.none_executable": {
        "message": {"lo": "ບໍ່ມີ pool ໃດຖືກໝາຍວ່າ executable; pool ທີ່ມີ: {pools}",
                    "en": "no pool is marked executable; the pools are {pools}"},
        "hint": {"lo": "ໝາຍ 'Executable' ທີ່ pool ທີ່ຈະເຮັດວຽກ (Signavio ແລະ Bizagi: export ເປັນ executable)",
                 "en": "tick 'Executable' on the pool that runs (in Signavio and Bizagi: export it as executable)"},
    },
    "process.implicit": {
        "message": {"lo": "service.yaml ບໍ່ໄດ້ບອກຂະບວນການ ຈຶ່ງໃຊ້ຂະບວນການ executable ດຽວທີ່ມີ: {process}",
                    "en": "service.yaml does not name its process, so the only executable process runs: {process}"},
        "hint": {"lo": "ເພີ່ມ process: {process_id}", "en": "add process: {process_id}"},
        "severity": "warning",
    },
    "process.several": {
        "message": {"lo": "ມີ {count} ຂະບວນການ executable: {processes}; service.yaml ຕ້ອງບອກວ່າອັນໃດເລີ່ມ",
                    "en": "there are {count} executable processes: {processes}; service.yaml must say which one starts"},
        "hint": {"lo": "ເພີ່ມ process: {first} (ຫຼື ລະຫັດຂອງອັນອື່ນ)",
                 "en": "add process: {first} (or the id of another of them)"},
    },
    "process.not_executable": {
        "message": {"lo": "process: {process_id} ແມ່ນ pool ທີ່ບໍ່ executable; ຂະບວນການ executable: {processes}",
                    "en": "process: {process_id} names a pool that is not executable; executable: {processes}"},
        "hint": {"lo": "ໝາຍ 'Executable' ທີ່ pool {process_id} ຫຼື ຂຽນ process: {first}",
                 "en": "tick 'Executable' on the pool {process_id}, or write process: {first}"},
    },
    "process.unknown": {
        "message": {"lo": "process: {process_id} ບໍ່ແມ່ນຂະບວນການໃນໄຟລ໌ BPMN; ຂະບວນການ executable: {processes}",
                    "en": "process: {process_id} is not a process of the BPMN files; executable: {processes}"},
        "hint": {"lo": "ຂຽນ process: {first} (ລະຫັດຂອງ process, ບໍ່ແມ່ນຂອງ pool)",
                 "en": "write process: {first} (the id of the process, not of its pool)"},
    },
    "expr.unknown_name": {
        "message": {"lo": "{what} «{source}» ໃຊ້ {names} ເຊິ່ງບໍ່ມີແບບຟອມ, ສະຄຣິບ ຫຼື ຂໍ້ມູນໃດຂອງຂະບວນການໃຫ້ຄ່າ: "
                          "ຂັ້ນຕອນນີ້ຈະຜິດພາດທຸກຄັ້ງ",
                    "en": "the {what} «{source}» uses {names}, which no form field, script, data item or process "
                          "variable provides: this step would fail every time"},
        "hint": {"lo": "ແກ້ຊື່ໃຫ້ກົງກັບຊ່ອງຂໍ້ມູນຂອງແບບຟອມ, ຫຼື ກຳນົດຄ່າໃນໜ້າວຽກສະຄຣິບກ່ອນໜ້ານີ້; ຊື່ທີ່ມີ: {known}",
                 "en": "correct the name to a form field, or set it in a script task before this point; "
                       "names the process provides: {known}"},
    },
    "expr.name_not_on_every_path": {
        "message": {"lo": "{what} «{source}» ໃຊ້ {names}, ແຕ່ມີເສັ້ນທາງມາຮອດຈຸດນີ້ທີ່ຍັງບໍ່ມີຫຍັງກຳນົດຄ່ານີ້ (ກຳນົດໂດຍ {setters}): "
                          "ຄຳຮ້ອງທີ່ມາທາງນັ້ນຈະຄ້າງຢູ່ບ່ອນນີ້",
                    "en": "the {what} «{source}» uses {names}, but on some path to this point nothing has set it yet "
                          "(it is set by {setters}): an application that comes that way would be stuck here"},
        "hint": {"lo": "ຍ້າຍຊ່ອງຂໍ້ມູນໄປໄວ້ໃນແບບຟອມທີ່ທຸກເສັ້ນທາງຜ່ານ (ເຊັ່ນ ແບບຟອມຄຳຮ້ອງ), ຫຼື ກຳນົດຄ່າເລີ່ມຕົ້ນໃນໜ້າວຽກສະຄຣິບ"
                       "ກ່ອນທາງແຍກ, ຫຼື ຍ້າຍເງື່ອນໄຂໄປໄວ້ຫຼັງຈາກ {setters}; call activity ທີ່ຂະບວນການຂອງມັນມີ data outputs ສົ່ງຄືນພຽງ data outputs ເຫຼົ່ານັ້ນ",
                 "en": "put the field on a form every path passes (the application form, say), or set a default in "
                       "a script task before the paths split, or move the condition after {setters}; a call "
                       "activity whose process declares data outputs returns only those"},
    },
    "bpmn.join_waits_for_ever": {
        "message": {"lo": "ທາງລວມຂະໜານ {join} ລໍຖ້າທຸກເສັ້ນທາງທີ່ເຂົ້າມາ, ແຕ່ຢູ່ {at} ທາງ {way} ໄປສິ້ນສຸດທີ່ {end} ໂດຍບໍ່ມາຮອດມັນ: "
                          "ຄຳຮ້ອງຈະລໍຖ້າຕະຫຼອດໄປ ໂດຍບໍ່ມີໃຜເຮັດຫຍັງໄດ້",
                    "en": "the parallel gateway {join} waits for every incoming flow, but at {at} the way {way} ends at "
                          "{end} without reaching it: the case would wait for ever, with nothing for anyone to do"},
        "hint": {"lo": "ໃຫ້ທາງນັ້ນສິ້ນສຸດດ້ວຍເຫດການສິ້ນສຸດແບບ terminate (ມັນປິດຄຳຮ້ອງ ແລະ ຍົກເລີກວຽກທີ່ຍັງເປີດຢູ່), ຫຼື ໃຫ້ມັນມາຮອດທາງລວມ",
                 "en": "end that way with a terminate end event (it closes the case and cancels the work still "
                       "open), or let it reach the join"},
    },
    "bpmn.join_after_choice": {
        "message": {"lo": "ທາງລວມຂະໜານ {join} ລໍຖ້າທຸກເສັ້ນທາງທີ່ເຂົ້າມາ, ແຕ່ {at} ສົ່ງໄປພຽງບາງທາງ: ຄຳຮ້ອງຈະລໍຖ້າຕະຫຼອດໄປ",
                    "en": "the parallel gateway {join} waits for every incoming flow, but {at} sends the case only some "
                          "of the ways that reach it: the case would wait for ever"},
        "hint": {"lo": "ລວມທາງຂອງການເລືອກດ້ວຍທາງແຍກແບບ exclusive ຫຼື inclusive; ທາງລວມຂະໜານໃຊ້ປິດທາງແຍກຂະໜານເທົ່ານັ້ນ",
                 "en": "merge the ways of a choice with an exclusive or inclusive gateway; a parallel join only closes "
                       "a parallel split"},
    },
    "expr.optional_field": {
        "message": {"lo": "{what} «{source}» ໃຊ້ {names}, ເຊິ່ງເປັນຊ່ອງທີ່ບໍ່ບັງຄັບຕື່ມ: ຄຳຮ້ອງທີ່ປະຊ່ອງນີ້ວ່າງໄວ້ຈະຄ້າງຢູ່ບ່ອນນີ້",
                    "en": "the {what} «{source}» uses {names}, an optional form field: an application that leaves "
                          "it blank would be stuck here"},
        "hint": {"lo": "ເຮັດໃຫ້ຊ່ອງນີ້ບັງຄັບຕື່ມ (required: true) ໃນແບບຟອມ, ຫຼື ຖາມກ່ອນວ່າມີຄຳຕອບບໍ່ "
                       "(JUEL ${{not empty {names}}}, FEEL = is defined({names})), ຫຼື ກຳນົດຄ່າເລີ່ມຕົ້ນໃນໜ້າວຽກສະຄຣິບກ່ອນຈຸດນີ້",
                 "en": "make the field required (required: true) on its form, or ask first whether it was answered "
                       "(JUEL ${{not empty {names}}}, FEEL = is defined({names})), or set a default in a script task "
                       "before this point"},
    },
    "expr.loop_variable": {
        "message": {"lo": "{what} «{source}» ໃຊ້ {names}, ເຊິ່ງມີພຽງໃນເງື່ອນໄຂສຳເລັດຂອງກິດຈະກຳ multi-instance",
                    "en": "the {what} «{source}» uses {names}, which exists only in the completion condition of a "
                          "multi-instance activity"},
        "hint": {"lo": "ໃຊ້ຕົວນັບນີ້ໃນ completionCondition ຂອງ multi-instance ເທົ່ານັ້ນ, ຫຼື ເກັບຄ່າດ້ວຍໜ້າວຽກສະຄຣິບ",
                 "en": "use the counter only in a multi-instance completionCondition, or keep the value with a "
                       "script task"},
    },
    "mi.no_items": {
        "message": {"lo": "ກິດຈະກຳ multi-instance «{name}» ບໍ່ມີຈຳນວນຮອບ ຫຼື ຊຸດຂໍ້ມູນເຂົ້າ{collection_lo}",
                    "en": "the multi-instance activity «{name}» has no loop cardinality and no input "
                          "collection{collection_en}"},
        "hint": {"lo": "ຕັ້ງ loopCardinality (ເຊັ່ນ 3), ຫຼື loopDataInputRef ກັບ inputDataItem (ໃນ Camunda Modeler: "
                       "Input collection ແລະ Input element)",
                 "en": "set a loop cardinality (e.g. 3), or a loopDataInputRef with an inputDataItem (in Camunda "
                       "Modeler: Input collection and Input element)"},
    },
    "doc.kept": {
        "message": {"lo": "{what} «{name}» ຖືກເກັບໄວ້ເປັນເອກະສານ; ມັນບໍ່ເຮັດວຽກເມື່ອຂະບວນການແລ່ນ",
                    "en": "the {what} «{name}» is kept as documentation; it does nothing when the process runs"},
        "hint": {"lo": "ບໍ່ຕ້ອງແກ້ຫຍັງ", "en": "nothing to change"},
        "severity": "warning",
    },
}


def modeler_problem(code: str, file: str, line: int | None = None, element: str | None = None,
                    severity: str | None = None, **params):
    """A coded bilingual Problem whose parameters may themselves be bilingual ({"lo": ..., "en": ...}).

    Raises KeyError for an unknown code.
    """
    from engine.catalogue.problems import LOCALES, Problem

    entry = MODELER_MESSAGES[code]

    def fill(template: str, lang: str) -> str:
        return template.format(**{k: v[lang] if isinstance(v, dict) else v for k, v in params.items()})

    message = {lang: fill(entry["message"][lang], lang) for lang in LOCALES}
    hint = {lang: fill(entry["hint"][lang], lang) for lang in LOCALES} if entry.get("hint") else ""
    return Problem(file, message, hint, line, element, severity or entry.get("severity", "error"), code,
                   {k: v["en"] if isinstance(v, dict) else v for k, v in params.items()})
