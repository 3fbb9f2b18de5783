"""REST API routes (token or session authentication)."""

from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from zhenggai.acceptance.api.views import AcceptanceChainViewSet, AcceptanceRequestViewSet
from zhenggai.accountability.api.views import AccountablePersonViewSet, TransferredProblemViewSet
from zhenggai.cases.api.views import CaseBatchViewSet, CaseViewSet
from zhenggai.ledger.api.views import InspectionViewSet, MeasureViewSet, PlanViewSet, ProblemViewSet
from zhenggai.organizations.api.views import UnitViewSet
from zhenggai.progress.api.views import (
    DeadlineExtensionViewSet,
    ProgressReportViewSet,
    WarningRunViewSet,
    WarningViewSet,
)

router = DefaultRouter()
router.register("inspections", InspectionViewSet, basename="inspection")
router.register("plans", PlanViewSet, basename="plan")
router.register("problems", ProblemViewSet, basename="problem")
router.register("measures", MeasureViewSet, basename="measure")
router.register("units", UnitViewSet, basename="unit")
router.register("progress-reports", ProgressReportViewSet, basename="progress-report")
router.register("warnings", WarningViewSet, basename="warning")
router.register("warning-runs", WarningRunViewSet, basename="warning-run")
router.register("extensions", DeadlineExtensionViewSet, basename="extension")
router.register("acceptance-requests", AcceptanceRequestViewSet, basename="acceptance-request")
router.register("acceptance-chains", AcceptanceChainViewSet, basename="acceptance-chain")
router.register("case-batches", CaseBatchViewSet, basename="case-batch")
router.register("cases", CaseViewSet, basename="case")
router.register("transferred-problems", TransferredProblemViewSet, basename="transferred-problem")
router.register("accountable-persons", AccountablePersonViewSet, basename="accountable-person")

urlpatterns = [path("token/", obtain_auth_token, name="api-token"), *router.urls]
