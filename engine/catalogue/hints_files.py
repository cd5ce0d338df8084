"""What to change, for service.yaml and form findings that were written without a hint (by their code).

engine.catalogue.problems.Problem.hints falls back to this table when a finding carries no hint of its own, so
every refusal of a service description or a form says what to write instead, in Lao and English.
"""
from __future__ import annotations

HINTS: dict[str, dict[str, str]] = {
    "service.service_id_z": {"lo": "ໃຊ້ພຽງຕົວພິມນ້ອຍ a-z, ຕົວເລກ ແລະ _ ເຊັ່ນ id: land_tax",
                             "en": "use only lower-case a-z, digits and _, e.g. id: land_tax"},
    "service.fee_amount_whole_number": {"lo": "ຂຽນຄ່າທຳນຽມເປັນຈຳນວນເຕັມກີບ ເຊັ່ນ fee: {amount: 25000, currency: LAK}",
                                        "en": "write the fee as whole kip, e.g. fee: {amount: 25000, currency: LAK}"},
    "service.time_limit_days_whole": {"lo": "ຂຽນກຳນົດເວລາເປັນຈຳນວນວັນລັດຖະການເຕັມ ເຊັ່ນ time_limit_days: 5",
                                      "en": "write the time limit as whole working days, e.g. time_limit_days: 5"},
    "service.step_limits_map_user": {"lo": "ຂຽນ step_limits ເປັນ mapping ຈາກລະຫັດໜ້າວຽກຫາຈຳນວນວັນ ເຊັ່ນ {Task_Check: 2}",
                                     "en": "write step_limits as a mapping of user task ids to days, e.g. {Task_Check: 2}"},
    "service.step_limits_whole_number": {"lo": "ຂຽນຈຳນວນວັນລັດຖະການເປັນຈຳນວນເຕັມ ເຊັ່ນ 2",
                                         "en": "write the working days as a whole number, e.g. 2"},
    "service.step_limits_working_days": {"lo": "ໃຫ້ຈຳນວນວັນຂອງແຕ່ລະຂັ້ນບໍ່ເກີນ time_limit_days ຂອງບໍລິການ",
                                         "en": "keep each step's days within the service's time_limit_days"},
    "service.lanes_map_bpmn_lane": {"lo": "ຂຽນ lanes ເປັນ mapping ຈາກລະຫັດເລນໃນ BPMN ຫາບົດບາດຫ້ອງການ ເຊັ່ນ {Lane_1: front_desk}",
                                    "en": "write lanes as a mapping of BPMN lane ids to office roles, e.g. {Lane_1: front_desk}"},
    "service.each_milestone_needs_id": {"lo": "ໃຫ້ແຕ່ລະຂັ້ນຕອນສາທາລະນະມີ id, label (lo, en) ແລະ elements",
                                        "en": "give each milestone an id, a label (lo, en) and its elements"},
    "service.step_limits_not_user": {"lo": "ໃສ່ step_limits ພຽງແຕ່ໃຫ້ໜ້າວຽກຂອງຄົນ (userTask) ທີ່ມີໃນຂະບວນການ",
                                     "en": "give step_limits only to user tasks that exist in the process"},
    "form.form_file_mapping_id": {"lo": "ເລີ່ມແບບຟອມດ້ວຍ id:, title: (lo, en) ແລະ fields:",
                                  "en": "start the form with id:, title: (lo, en) and fields:"},
    "form.form_id_missing_not": {"lo": "ໃຫ້ id ຂອງແບບຟອມຄືກັບຊື່ໄຟລ໌ (ບໍ່ມີ .yaml)",
                                 "en": "make the form's id the same as its file name (without .yaml)"},
    "form.form_needs_non_empty": {"lo": "ເພີ່ມຢ່າງໜ້ອຍໜຶ່ງຊ່ອງຂໍ້ມູນໃຕ້ fields:",
                                  "en": "add at least one field under fields:"},
    "form.each_field_mapping": {"lo": "ຂຽນແຕ່ລະຊ່ອງເປັນ mapping ເຊັ່ນ - {name: village, type: text, label: {lo: ບ້ານ, en: Village}}",
                                "en": "write each field as a mapping, e.g. - {name: village, type: text, label: {lo: ..., en: Village}}"},
    "form.field_name_match_z": {"lo": "ໃຊ້ຊື່ຊ່ອງເປັນຕົວພິມນ້ອຍ a-z, ຕົວເລກ ແລະ _ ເຊັ່ນ family_book_number",
                                "en": "name the field with lower-case a-z, digits and _, e.g. family_book_number"},
    "form.field_declared_twice": {"lo": "ລຶບຊ່ອງທີ່ຊ້ຳ ຫຼື ປ່ຽນຊື່ໜຶ່ງໃນນັ້ນ",
                                  "en": "remove the repeated field or rename one of them"},
    "form.field_number": {"lo": "ຂຽນຄ່າຕ່ຳສຸດ ແລະ ສູງສຸດເປັນຕົວເລກ ເຊັ່ນ min: 0",
                          "en": "write the minimum and maximum as numbers, e.g. min: 0"},
    "form.choice_needs_value_label": {"lo": "ໃຫ້ແຕ່ລະທາງເລືອກມີ value ແລະ label (lo, en)",
                                      "en": "give each choice a value and a label (lo, en)"},
    "form.equals_fee_field_true": {"lo": "ໃຊ້ equals_fee: true ພຽງແຕ່ກັບຊ່ອງປະເພດ money",
                                   "en": "use equals_fee: true only on a field of type money"},
}
