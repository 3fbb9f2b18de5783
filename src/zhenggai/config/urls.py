"""Top-level URL map: pages, API, admin, auth, language switch."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="ledger:problem_list", permanent=False), name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ledger/", include("zhenggai.ledger.urls")),
    path("units/", include("zhenggai.organizations.urls")),
    path("imports/", include("zhenggai.imports.urls")),
    path("progress/", include("zhenggai.progress.urls")),
    path("acceptance/", include("zhenggai.acceptance.urls")),
    path("exports/", include("zhenggai.exports.urls")),
    path("reports/", include("zhenggai.reports.urls")),
    path("notices/", include("zhenggai.acceptance.public_urls")),
    path("stats/", include("zhenggai.stats.urls")),
    path("cases/", include("zhenggai.cases.urls")),
    path("accountability/", include("zhenggai.accountability.urls")),
    path("public/", include("zhenggai.portal.urls")),
    path("api/", include("zhenggai.config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
