"""Every plans URL, under the one `plans:` namespace; each feature lists its own."""

from __future__ import annotations

from plans.checkins import urls as checkins
from plans.goals import urls as goals
from plans.progress import urls as progress
from plans.records import urls as records
from plans.reminders import urls as reminders
from plans.reports import urls as reports

app_name = "plans"

urlpatterns = [
    *goals.urlpatterns,
    *checkins.urlpatterns,
    *progress.urlpatterns,
    *reminders.urlpatterns,
    *reports.urlpatterns,
    *records.urlpatterns,
]
