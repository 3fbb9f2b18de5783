from zhenggai.stats.views import urlpatterns as view_patterns

app_name = "stats"
urlpatterns = [*view_patterns]
