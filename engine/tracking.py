"""Tracking codes: 10 symbols of Crockford's base 32 (50 random bits), read aloud over the phone.

The alphabet has no I, L, O or U; when typed back, those letters are folded to the digits they look like.
"""
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 10
_FOLD = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(text: str) -> str | None:
    """The canonical code for what a person typed, or None if it cannot be one."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    code = "".join(ch for ch in text.upper() if ch not in " -_.").translate(_FOLD)
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def display(code: str) -> str:
    """Grouped for reading: ABCD-EFGH-JK."""
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"
