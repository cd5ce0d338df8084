"""PDF output: receipts and certificates in Lao (see render.py) and Lao word segmentation (lao.py)."""
from engine.pdf.lao import segment
from engine.pdf.render import render_certificate, render_receipt, sanitize_html

__all__ = ["render_certificate", "render_receipt", "sanitize_html", "segment"]
