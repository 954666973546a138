"""View-models and services of the tablet app: plain Python, no Flet import."""

from mobile_app.models.base import Debouncer, Observable
from mobile_app.models.enrollment import EnrollmentError, EnrollmentModel, EnrollmentService
from mobile_app.models.file_form import FileRecordForm
from mobile_app.models.home import AgencyProgress, AgencyRow, HomeModel
from mobile_app.models.labels import LabelService
from mobile_app.models.nil_form import NilReportForm
from mobile_app.models.photos import PhotoError, PhotoService
from mobile_app.models.prefs import Preferences
from mobile_app.models.settings import SettingsModel
from mobile_app.models.syncing import RecordItem, SyncModel
from mobile_app.models.visit import VisitModel

__all__ = [
    "AgencyProgress",
    "AgencyRow",
    "Debouncer",
    "EnrollmentError",
    "EnrollmentModel",
    "EnrollmentService",
    "FileRecordForm",
    "HomeModel",
    "LabelService",
    "NilReportForm",
    "Observable",
    "PhotoError",
    "PhotoService",
    "Preferences",
    "RecordItem",
    "SettingsModel",
    "SyncModel",
    "VisitModel",
]
