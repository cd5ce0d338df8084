"""The ODSC domain: catalogue, BPMN runtime, persistence, read models and audit.

Nothing in this package imports `web` or touches `flask.request`; the web layer calls into it.
"""
