"""Findings about the files themselves (text encoding, YAML syntax, top-level shape), in Lao and English.

Kept apart from the BPMN findings (engine.catalogue.messages) and merged into its catalogue, so every reader
of a service folder, a centres file or a designer's service.yaml reports them with one code and one hint.
PyYAML's own description of the mistake (``detail``) is technical English; the sentence around it and the hint
are in the reader's language.
"""
from __future__ import annotations

FILE_MESSAGES: dict[str, dict] = {
    "yaml.invalid": {
        "message": {"lo": "ຂໍ້ຄວາມ YAML ບໍ່ຖືກຕ້ອງຢູ່ແຖວ {at}: ({detail})",
                    "en": "not valid YAML at line {at}: {detail}"},
        "hint": {"lo": "ກວດການຍະຫໍ້ໜ້າ (ໃຊ້ຍະຫວ່າງ, ບໍ່ແມ່ນ tab), ວົງເລັບ [ ] {{ }} ແລະ ເຄື່ອງໝາຍວົງຢືມ ຢູ່ແຖວນັ້ນ ແລະ ແຖວກ່ອນ",
                 "en": "check the indentation (spaces, not tabs), brackets [ ] {{ }} and quotes on that line and the "
                       "one before"},
    },
    "yaml.not_utf8": {
        "message": {"lo": "ໄຟລ໌ນີ້ບໍ່ແມ່ນຂໍ້ຄວາມ UTF-8", "en": "the file is not UTF-8 text"},
        "hint": {"lo": "ບັນທຶກໄຟລ໌ເປັນ UTF-8 ໃນໂປຣແກຣມແກ້ໄຂ", "en": "save the file as UTF-8 in your editor"},
    },
    "yaml.service_not_mapping": {
        "message": {"lo": "service.yaml ຕ້ອງເປັນ mapping (key: value), ແຕ່ມັນ{found_lo}",
                    "en": "service.yaml must be a mapping (key: value), but it is {found_en}"},
        "hint": {"lo": "ເລີ່ມດ້ວຍແຖວ id:, name:, process: ແລະ application_form: (ເບິ່ງ docs/DESIGNER.md)",
                 "en": "start with the lines id:, name:, process: and application_form: (see docs/DESIGNER.md)"},
    },
}
