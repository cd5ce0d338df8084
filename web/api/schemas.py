"""marshmallow schemas of the API: they validate requests, serialize answers and generate the OpenAPI."""
from __future__ import annotations

from datetime import UTC, datetime

from marshmallow import RAISE, Schema, fields, validate

LEVELS = ("ministry", "province", "district")
STATUSES = ("submitted", "in_progress", "returned", "completed", "rejected", "cancelled")
KINDS = ("staff", "citizen")


# The input boundary (engine.inputs) as OpenAPI patterns: text the API refuses is NUL and the other C0 controls
# and DEL; JSON bodies may hold tab and newline (long text), query strings and one-line form answers may not.
# Python's `re`, ECMA 262 and Rust's regex read these escapes alike. web/api/spec.py gives every free text of a
# request one of them; fields that are stripped and must then hold something say so with *_FILLED. Lone
# surrogates (also refused) are not Unicode scalar values, so no JSON Schema string holds one (RFC 7493): a
# pattern cannot name them (regex engines over UTF-8 cannot compile the range); the document says so.
BAD_LINE = r"\x00-\x1f\x7f"
BAD_JSON = r"\x00-\x08\x0b-\x1f\x7f"
JSON_TEXT = rf"^[^{BAD_JSON}]*$"
LINE_TEXT = rf"^[^{BAD_LINE}]*$"
JSON_FILLED = rf"^[^{BAD_JSON}]*[^\s{BAD_JSON}][^{BAD_JSON}]*$"


class UTCDateTime(fields.DateTime):
    """Naive UTC datetimes from the database, written as RFC 3339 with an explicit offset."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class Strict(Schema):
    class Meta:
        unknown = RAISE
        ordered = True


# ---- shared pieces -----------------------------------------------------------------------------------

class LocalText(Strict):
    lo = fields.String(required=True, metadata={"description": "Lao"})
    en = fields.String(required=True, metadata={"description": "English"})


class Fee(Strict):
    amount = fields.Integer(required=True, metadata={"description": "whole kip"})
    currency = fields.String(required=True, metadata={"example": "LAK"})


class Ref(Strict):
    id = fields.String(required=True)
    name = fields.Nested(LocalText, required=True)


class Problem(Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True, metadata={"description": "a URI reference naming the problem"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True, metadata={"description": "a human message in the request's language"})
    code = fields.String(required=True, metadata={"description": "machine-readable error code"})
    instance = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.String(),
                         metadata={"description": "field name -> message (422)"})
    report = fields.List(fields.Dict(), metadata={
        "description": "the validation report of a refused designer upload (400/422 of POST /designer/uploads): "
                       "file, line, element, severity, message, hint"})


# ---- auth ------------------------------------------------------------------------------------------

class TokenRequest(Strict):
    username = fields.String(required=True, validate=validate.Length(min=1, max=120),
                             metadata={"description": "staff username, or the citizen's phone number"})
    password = fields.String(required=True, validate=validate.Length(min=1, max=256))
    name = fields.String(validate=validate.Length(max=120), metadata={"description": "a label for the device"})
    ttl_days = fields.Integer(validate=validate.Range(min=1, max=365),
                              metadata={"description": "lifetime in days (default 30)"})


class Me(Strict):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    centre_id = fields.String(required=True, allow_none=True)
    roles = fields.List(fields.String(), required=True)
    locale = fields.String(required=True)


class TokenResponse(Strict):
    access_token = fields.String(required=True, metadata={"description": "send as `Authorization: Bearer …`"})
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_at = UTCDateTime(required=True)
    user = fields.Nested(Me, required=True)


# ---- catalogue ---------------------------------------------------------------------------------------

class CentreSummary(Strict):
    id = fields.String(required=True)
    name = fields.Nested(LocalText, required=True)
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    parent_id = fields.String(required=True, allow_none=True)
    active = fields.Boolean(required=True)


class Office(Strict):
    id = fields.String(required=True)
    name = fields.Nested(LocalText, required=True)
    roles = fields.List(fields.String(), required=True)


class OfferedService(Strict):
    id = fields.String(required=True)
    name = fields.Nested(LocalText, required=True)
    fee = fields.Nested(Fee, required=True)
    time_limit_days = fields.Integer(required=True)


class CentreDetail(CentreSummary):
    address = fields.Nested(LocalText, required=True)
    phone = fields.String(required=True)
    hours = fields.Nested(LocalText, required=True)
    offices = fields.List(fields.Nested(Office), required=True)
    services = fields.List(fields.Nested(OfferedService), required=True)


class CentreList(Strict):
    items = fields.List(fields.Nested(CentreSummary), required=True)


class CentreQuery(Strict):
    level = fields.String(validate=validate.OneOf(LEVELS))
    parent = fields.String(validate=validate.Length(max=64))


class ServiceSummary(Strict):
    id = fields.String(required=True)
    name = fields.Nested(LocalText, required=True)
    sector = fields.String(required=True)
    fee = fields.Nested(Fee, required=True)
    time_limit_days = fields.Integer(required=True)
    version = fields.Integer(required=True, metadata={"description": "published version number"})


class Milestone(Strict):
    id = fields.String(required=True)
    label = fields.Nested(LocalText, required=True)


class CentreFee(Strict):
    id = fields.String(required=True)
    name = fields.Nested(LocalText, required=True)
    fee = fields.Nested(Fee, required=True)


class ServiceDetail(ServiceSummary):
    description = fields.Nested(LocalText, required=True)
    documents = fields.List(fields.Nested(LocalText), required=True, metadata={"description": "required documents"})
    milestones = fields.List(fields.Nested(Milestone), required=True)
    application_form = fields.String(required=True, metadata={"description": "key in `forms` of the form to start"})
    forms = fields.Dict(keys=fields.String(), values=fields.Dict(), required=True,
                        metadata={"description": "form id -> JSON Schema (draft 2020-12) of its answers"})
    centres = fields.List(fields.Nested(CentreFee), required=True, metadata={"description": "centres offering it"})


class ServiceList(Strict):
    items = fields.List(fields.Nested(ServiceSummary), required=True)


class ServiceQuery(Strict):
    centre = fields.String(validate=validate.Length(max=64), metadata={"description": "only services offered here"})


# ---- applications ------------------------------------------------------------------------------------

class Step(Strict):
    milestone = fields.String(required=True)
    label = fields.Nested(LocalText, required=True)
    at = UTCDateTime(required=True)


class ApplicationSummary(Strict):
    id = fields.Integer(required=True)
    tracking_code = fields.String(required=True)
    service = fields.Nested(Ref, required=True)
    centre = fields.Nested(Ref, required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    milestone = fields.String(required=True, allow_none=True)
    milestone_label = fields.Nested(LocalText, required=True)
    channel = fields.String(required=True)
    fee_amount = fields.Integer(required=True)
    submitted_at = UTCDateTime(required=True)
    due_date = fields.Date(required=True, allow_none=True)
    completed_at = UTCDateTime(required=True, allow_none=True)
    version = fields.Integer(required=True, metadata={"description": "changes with every step; use in If-Match"})


class ClaimedBy(Strict):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class WaitingTask(Strict):
    id = fields.String(required=True)
    name = fields.Nested(LocalText, required=True)
    office_role = fields.String(required=True)
    claimed_by = fields.Nested(ClaimedBy, required=True, allow_none=True)
    due_date = fields.Date(required=True, allow_none=True)


class ActionRequired(Strict):
    task_id = fields.String(required=True)
    name = fields.Nested(LocalText, required=True)
    reason = fields.String(required=True, allow_none=True, metadata={"description": "why it was returned"})
    form = fields.Dict(required=True, metadata={"description": "JSON Schema of the answers to resubmit"})


class ApplicationDetail(ApplicationSummary):
    data = fields.Dict(required=True, metadata={"description": "the application form's answers"})
    steps = fields.List(fields.Nested(Step), required=True)
    waiting_for = fields.List(fields.Nested(WaitingTask), required=True)
    action_required = fields.Nested(ActionRequired, required=True, allow_none=True)
    incident = fields.String(required=True, allow_none=True)


class ApplicationList(Strict):
    items = fields.List(fields.Nested(ApplicationSummary), required=True)
    total = fields.Integer(required=True)


class ApplicationQuery(Strict):
    status = fields.String(validate=validate.OneOf(STATUSES))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))


class StartApplication(Strict):
    service_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    centre_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    data = fields.Dict(keys=fields.String(), required=True,
                       metadata={"description": "answers to the service's application form (see its JSON Schema)"})


class Resubmit(Strict):
    data = fields.Dict(keys=fields.String(), required=True,
                       metadata={"description": "answers to the 'provide documents' form"})


class Document(Strict):
    id = fields.String(required=True, metadata={"description": "put {\"id\": …} in a file field of a form"})
    name = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)


class HistoryEvent(Strict):
    id = fields.Integer(required=True)
    at = UTCDateTime(required=True)
    kind = fields.String(required=True, metadata={"example": "task.completed"})
    actor = fields.String(required=True)
    summary = fields.String(required=True)


class History(Strict):
    items = fields.List(fields.Nested(HistoryEvent), required=True)


class Comment(Strict):
    text = fields.String(required=True, validate=validate.Length(min=1, max=4000),
                         metadata={"pattern": JSON_FILLED, "description": "not only spaces"})


# ---- tasks -------------------------------------------------------------------------------------------

class TaskSummary(Strict):
    id = fields.String(required=True)
    application_id = fields.Integer(required=True)
    tracking_code = fields.String(required=True)
    service = fields.Nested(Ref, required=True)
    centre_id = fields.String(required=True)
    bpmn_id = fields.String(required=True)
    name = fields.Nested(LocalText, required=True)
    office_role = fields.String(required=True)
    form_id = fields.String(required=True, allow_none=True)
    state = fields.String(required=True, validate=validate.OneOf(("ready", "completed", "cancelled")))
    claimed_by = fields.Nested(ClaimedBy, required=True, allow_none=True)
    created_at = UTCDateTime(required=True)
    due_date = fields.Date(required=True, allow_none=True)
    overdue = fields.Boolean(required=True)
    application_version = fields.Integer(required=True, metadata={"description": "send as If-Match to complete"})


class TaskDetail(TaskSummary):
    form = fields.Dict(required=True, metadata={"description": "JSON Schema of this task's answers"})
    actions = fields.List(fields.String(validate=validate.OneOf(("complete", "return", "reject"))), required=True)
    application = fields.Nested(ApplicationDetail, required=True)


class TaskList(Strict):
    items = fields.List(fields.Nested(TaskSummary), required=True)


class TaskQuery(Strict):
    service = fields.String(validate=validate.Length(max=64))
    status = fields.String(validate=validate.OneOf(("claimed", "unclaimed")))
    mine = fields.Boolean(load_default=False)
    overdue = fields.Boolean(load_default=False)


class Reassign(Strict):
    user_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1),
                             metadata={"description": "a colleague of the centre with the task's office role"})


class CompleteTask(Strict):
    data = fields.Dict(keys=fields.String(), load_default=dict, metadata={"description": "the task form's answers"})
    expected_version = fields.Integer(validate=validate.Range(min=0, max=2**31 - 1),
                                      metadata={"description": "the application version you saw (or If-Match)"})


class DecideTask(CompleteTask):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000),
                           metadata={"description": "shown to the applicant (not only spaces)",
                                     "pattern": JSON_FILLED})


# ---- public status -----------------------------------------------------------------------------------

class StatusCentre(Strict):
    id = fields.String(required=True)
    lo = fields.String(required=True)
    en = fields.String(required=True)


class LegalClock(Strict):
    state = fields.String(required=True, validate=validate.OneOf(("running", "paused", "stopped")),
                          metadata={"description": "running while the case is with the centre, paused while it "
                                                   "waits for the applicant, stopped once closed"})
    working_days_left = fields.Integer(required=True, allow_none=True,
                                       metadata={"description": "working days to the due date (negative: late); "
                                                                "frozen while paused; at closing when stopped"})
    due_date = fields.Date(required=True, allow_none=True,
                           metadata={"description": "the legal due date (while paused: if resubmitted today)"})
    paused_working_days = fields.Integer(required=True, metadata={
        "description": "working days the clock has been paused while the case waited for the applicant"})


class PublicStatus(Strict):
    tracking_code = fields.String(required=True)
    service = fields.Nested(LocalText, required=True)
    centre = fields.Nested(StatusCentre, required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    milestone = fields.String(required=True, allow_none=True)
    milestone_label = fields.Nested(LocalText, required=True)
    steps = fields.List(fields.Nested(Step), required=True)
    milestones = fields.List(fields.Nested(Milestone), required=True)
    submitted_at = UTCDateTime(required=True)
    due_date = fields.Date(required=True, allow_none=True)
    completed_at = UTCDateTime(required=True, allow_none=True)
    overdue = fields.Boolean(required=True)
    clock = fields.Nested(LegalClock, required=True)


# ---- feedback (engine/feedback.py) -------------------------------------------------------------------

class FeedbackIn(Strict):
    rating = fields.Raw(required=True, metadata={"description": "a whole number from 1 (poor) to 5 (very good)",
                                                 "type": "integer", "minimum": 1, "maximum": 5})
    comment = fields.String(load_default=None, allow_none=True,
                            metadata={"maxLength": 1000,
                                      "description": "optional, at most 1000 characters; shown only to the "
                                                     "centre's supervisors and the monitors above it"})


class FeedbackOut(Strict):
    application_id = fields.Integer(required=True)
    rating = fields.Integer(required=True)
    comment = fields.String(required=True, allow_none=True)
    created_at = UTCDateTime(required=True)


# ---- the bottleneck map (engine/stats/elements.py) ---------------------------------------------------

class ElementsQuery(Strict):
    scope = fields.String(load_default=None, metadata={"description": "a centre id: that centre and every "
                                                                      "centre below it (the ministry: the nation); "
                                                                      "default: your own centre"})
    from_ = fields.Date(data_key="from", load_default=None, metadata={"description": "first local day (default: "
                                                                                      "364 days before 'to')"})
    to = fields.Date(load_default=None, metadata={"description": "last local day (default: today)"})


class ElementFigures(Strict):
    element_id = fields.String(required=True)
    name = fields.Nested(LocalText, required=True)
    role = fields.String(required=True)
    waiting = fields.Integer(required=True, metadata={"description": "cases waiting in this step now"})
    completed = fields.Integer(required=True, metadata={"description": "steps completed in the period"})
    median_working_days = fields.Float(required=True, allow_none=True)
    p90_working_days = fields.Float(required=True, allow_none=True)
    limit_days = fields.Integer(required=True, allow_none=True,
                                metadata={"description": "the step's limit (step_limits, else the service's)"})
    level = fields.String(required=True, validate=validate.OneOf(("ok", "warn", "late", "none")),
                          metadata={"description": "p90 against the limit: ok ≤ half, warn ≤ limit, late above"})


class ServiceElements(Strict):
    service_id = fields.String(required=True)
    service = fields.Nested(LocalText, required=True)
    scope = fields.String(required=True)
    from_ = fields.Date(data_key="from", required=True)
    to = fields.Date(required=True)
    elements = fields.List(fields.Nested(ElementFigures), required=True)
