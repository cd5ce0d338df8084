"""Where a redirect may go after login (the `next` parameter): only a path of this site.

Browsers are generous with what they read as "another host": `//evil`, `/\\evil`, `/%09/evil` (a tab is
dropped, leaving `//evil`), `%2F%2Fevil` once decoded, `http:evil`, and CR/LF for header injection. So the
target is decoded (repeatedly, until it stops changing), every control character and backslash refused,
and what is left must be an absolute path whose second character is not a slash.
"""
from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f\u0085\u00a0\u1680\u2000-\u200f\u2028\u2029\u202f\u205f\u3000\ufeff]")


def same_site_path(target: str | None, max_length: int = 2000) -> str | None:
    """`target` when it is a same-site relative path (e.g. `/staff/cases/3?x=1`), otherwise None.

    Args: target (the raw parameter value, already form-decoded once). Returns the target unchanged (minus
    a trailing '?') so the browser gets what the site produced; None for anything that could leave the site.
    """
    if not isinstance(target, str) or not target or len(target) > max_length:
        return None
    decoded = target
    for _ in range(5):  # %252F%252F → %2F%2F → //
        once = unquote(decoded)
        if once == decoded:
            break
        decoded = once
    else:
        return None
    for text in (target, decoded):
        if _CONTROL_OR_SPACE.search(text) or "\\" in text:
            return None
        if not text.startswith("/") or text.startswith("//"):
            return None
        parts = urlsplit(text)
        if parts.scheme or parts.netloc:
            return None
    return target.rstrip("?") or None
