"""API operations of issue 18: the applicant's feedback (engine.feedback) and the bottleneck map."""
from __future__ import annotations

from engine import feedback
from web.api import schemas as s
from web.api.core import operation


@operation("/applications/<int:application_id>/feedback", "POST", op_id="give_feedback",
           summary="Rate a finished application once (1-5, optional comment)", tag="applications",
           body=s.FeedbackIn, response=s.FeedbackOut, status=201, errors=(400, 401, 404, 409, 422))
def give_feedback(actor, application_id, body):
    """Only the applicant, only once, only after the application was completed or rejected (409 before, and
    409 `feedback_given` the second time). Ratings are published only as averages of at least 5 ratings."""
    row = feedback.give(application_id, body["rating"], body.get("comment"), actor=actor, channel="api")
    return {"application_id": row.application_id, "rating": row.rating, "comment": row.comment,
            "created_at": row.created_at}


@operation("/monitor/services/<service_id>/elements", "GET", op_id="service_elements",
           summary="The bottleneck map: per BPMN element, cases waiting now and working time spent there",
           tag="monitor", query=s.ElementsQuery, response=s.ServiceElements, errors=(400, 401, 403, 404, 422),
           staff_only=True)
def service_elements(actor, service_id, query):
    """For monitors (their centre and below), supervisors (their centre) and administrators. Median and p90
    are in working days, over the steps completed in [from, to]."""
    from engine.stats.elements import bottlenecks

    out = bottlenecks(actor, service_id, scope=query.get("scope"), start=query.get("from_"), end=query.get("to"))
    return {**out, "from_": out.pop("from")}
