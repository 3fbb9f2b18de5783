"""Progress pages: reports and evidence (``views.reports``), the to-do page, the office dashboard,
warnings, extensions and escalations (``views.board``)."""

from zhenggai.progress.views import board, reports

app_name = "progress"
urlpatterns = [*reports.urlpatterns, *board.urlpatterns]
