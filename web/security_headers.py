"""Security headers on every response: Content-Security-Policy, HSTS (over HTTPS only), frame denial,
referrer policy, no MIME sniffing.

The policy allows only this site's own scripts, styles, fonts and images (plus data: images such as QR
codes). Inline styles are allowed because the API reference page and the BPMN viewer (bpmn-js) need them;
inline scripts are not, except the one `onclick="window.print()"` of the receipt, allowed by its hash.
"""
from __future__ import annotations

import base64
import hashlib

from flask import Flask, request


def _hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


# inline event handlers used by templates (CSP 'unsafe-hashes' allows exactly these sources)
INLINE_HANDLERS = ("window.print()",)

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'unsafe-hashes' " + " ".join(_hash(s) for s in INLINE_HANDLERS),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HSTS = "max-age=31536000; includeSubDomains"


def init_security_headers(app: Flask) -> None:
    @app.after_request
    def _security_headers(response):
        headers = response.headers
        # a response with its own policy (a document download's sandbox) keeps it: it is stricter
        headers.setdefault("Content-Security-Policy", app.config.get("CONTENT_SECURITY_POLICY", CSP))
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        headers["X-Content-Type-Options"] = "nosniff"
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            headers["Strict-Transport-Security"] = HSTS
        return response
