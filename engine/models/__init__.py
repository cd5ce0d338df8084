"""Every model, imported so that metadata and Alembic see them all."""
from engine.models.application import Application, MilestoneEvent, Task
from engine.models.audit import AuditEvent
from engine.models.holiday import Holiday
from engine.models.catalogue import Centre, CentreService, Office, OfficeRole, Service, ServiceVersion
from engine.models.user import User, UserRole
from engine.models.workflow import WorkflowState, WorkflowTaskState

__all__ = [
    "Application", "AuditEvent", "Holiday", "Centre", "CentreService", "MilestoneEvent", "Office", "OfficeRole",
    "Service", "ServiceVersion", "Task", "User", "UserRole", "WorkflowState", "WorkflowTaskState",
]
