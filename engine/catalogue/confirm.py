"""The generated confirmation form of tasks that declare none: manual tasks and plain `bpmn:task`s.

A modeler's default shape (`bpmn:task`) and a manual task ("stamp the certificate", "phone the applicant")
are work a person does; they run as inbox tasks of their lane's office role, and the clerk confirms them with
this form (an optional note), in Lao and English.
"""
from __future__ import annotations

CONFIRM_FORM_ID = "odsc_confirm"
HUMAN_TAGS = ("userTask", "manualTask", "task")  # BPMN elements that become inbox tasks


def confirmation_form() -> dict:
    """The form declaration (same shape as a parsed forms/<id>.yaml)."""
    return {
        "id": CONFIRM_FORM_ID,
        "title": {"lo": "ຢືນຢັນວ່າໄດ້ເຮັດວຽກນີ້ແລ້ວ", "en": "Confirm that this work is done"},
        "fields": [{
            "name": "note", "type": "long_text", "required": False, "max_length": 2000,
            "label": {"lo": "ໝາຍເຫດ", "en": "Note"},
            "help": {"lo": "ບໍ່ບັງຄັບ: ສິ່ງທີ່ຄວນຮູ້ກ່ຽວກັບວຽກນີ້", "en": "Optional: anything worth knowing about this work"},
        }],
    }
