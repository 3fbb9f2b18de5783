"""Progress pages: reports and evidence (``views.reports``), the to-do page, the office dashboard,
warnings, extensions and escalations (``views.board``), the plan schedule (``views.schedule``)."""

from zhenggai.progress.views import board, reports, schedule

app_name = "progress"
urlpatterns = [*reports.urlpatterns, *board.urlpatterns, *schedule.urlpatterns]
