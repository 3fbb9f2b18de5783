"""Acceptance pages, under ``/acceptance/`` (signed-in users; the public notice page is in ``public_urls``)."""

from django.urls import path

from zhenggai.acceptance.views import campaigns, inbox, notices, problem, steps

app_name = "acceptance"
urlpatterns = [
    path("", inbox.InboxView.as_view(), name="inbox"),
    path("problems/<int:pk>/", problem.ProblemAcceptanceView.as_view(), name="problem"),
    path("problems/<int:pk>/request/", steps.RequestCreateView.as_view(), name="request_new"),
    path("problems/<int:pk>/reopen/", steps.ReopenView.as_view(), name="reopen"),
    path("cases/<int:pk>/", problem.CaseAcceptanceView.as_view(), name="case"),
    path("cases/<int:pk>/request/", steps.CaseRequestCreateView.as_view(), name="case_request_new"),
    path("requests/<int:pk>/decide/", steps.DecideView.as_view(), name="decide"),
    path("requests/<int:pk>/resubmit/", steps.ResubmitView.as_view(), name="resubmit"),
    path("requests/<int:pk>/close-notice/", notices.CloseNoticeView.as_view(), name="close_notice"),
    path("objections/<int:pk>/handle/", notices.ObjectionHandleView.as_view(), name="objection_handle"),
    path("objections/<int:pk>/attachment/", problem.objection_attachment, name="objection_attachment"),
    path("attachments/<int:pk>/", problem.attachment_download, name="attachment_download"),
    path("campaigns/", campaigns.CampaignListView.as_view(), name="campaign_list"),
    path("campaigns/new/", campaigns.CampaignCreateView.as_view(), name="campaign_new"),
    path("campaigns/<int:pk>/", campaigns.CampaignDetailView.as_view(), name="campaign_detail"),
    path("findings/<int:pk>/record/", campaigns.RecordFindingView.as_view(), name="finding_record"),
]
