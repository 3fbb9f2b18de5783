from django.urls import path

from zhenggai.stats.chart_views import ChartsView
from zhenggai.stats.views import urlpatterns as view_patterns

app_name = "stats"
urlpatterns = [*view_patterns, path("charts/", ChartsView.as_view(), name="charts")]
