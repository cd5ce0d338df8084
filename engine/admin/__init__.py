"""Administration: centres, offices, services offered, staff accounts and roles, the centres file.

Every change is one transaction and leaves an audit event with who, when, before and after.
Authorization: the actor needs the `admin` role; a ministry administrator (or one without a centre)
manages every centre, any other administrator only their own centre and the centres below it.
"""
from engine.admin.errors import AdminError, AdminInvalid
from engine.admin.scope import can_manage, manageable_centres, require_admin

__all__ = ["AdminError", "AdminInvalid", "can_manage", "manageable_centres", "require_admin"]
