"""Every model, imported so that metadata and Alembic see them all."""
from engine.models.admin import PasswordReset  # noqa: F401
from engine.models.api import ApiToken, AuthRevision, IdempotencyKey  # noqa: F401
from engine.models.application import Application, MilestoneEvent, Task
from engine.models.audit import AuditEvent
from engine.models.catalogue import Centre, CentreService, Office, OfficeRole, Service, ServiceVersion
from engine.models.designer import DesignerDraft, VersionMigration  # noqa: F401
from engine.models.documents import CertificateCounter, Document, IssuedCertificate  # noqa: F401
from engine.models.feedback import Feedback  # noqa: F401
from engine.models.holiday import CalendarDay, CalendarState  # noqa: F401
from engine.models.jobs import DueTimer, Incident, Notification, Sequence, WorkerHeartbeat  # noqa: F401
from engine.models.sms import InboundSms  # noqa: F401
from engine.models.stats import STATS_INDEXES  # noqa: F401
from engine.models.user import User, UserRole, WebSession  # noqa: F401
from engine.models.workflow import WorkflowState, WorkflowTaskState

__all__ = [
    "Application", "AuditEvent", "Centre", "CentreService", "MilestoneEvent", "Office", "OfficeRole",
    "Service", "ServiceVersion", "Task", "User", "UserRole", "WorkflowState", "WorkflowTaskState",
]
