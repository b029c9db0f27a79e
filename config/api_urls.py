"""/api/v1/: the stable, documented API."""

from django.urls import path

from agencies import api as agencies_api
from cases import move_api
from web import case_api as cases_api
from web import referral_api as referrals_api
from workflows import api as workflows_api

app_name = "api"

urlpatterns = [
    path("auth/token/", agencies_api.TokenView.as_view(), name="token"),
    path("auth/logout/", agencies_api.LogoutView.as_view(), name="logout"),
    path("auth/logout-all/", agencies_api.LogoutAllView.as_view(), name="logout_all"),
    path("me/", agencies_api.MeView.as_view(), name="me"),
    path("regions/", agencies_api.RegionList.as_view(), name="regions"),
    path("services/", agencies_api.ServiceList.as_view(), name="services"),
    path("ppks-categories/", agencies_api.PpksCategoryList.as_view(), name="ppks_categories"),
    path("agencies/", agencies_api.AgencyList.as_view(), name="agencies"),
    path("cases/", cases_api.CaseListCreate.as_view(), name="cases"),
    path("cases/search/", cases_api.CaseSearch.as_view(), name="case_search"),
    path("cases/<str:number>/", cases_api.CaseDetail.as_view(), name="case_detail"),
    path("cases/<str:number>/timeline/", cases_api.CaseTimeline.as_view(), name="case_timeline"),
    path("cases/<str:number>/reopen/", cases_api.CaseReopen.as_view(), name="case_reopen"),
    path(
        "cases/<str:number>/attachments/",
        cases_api.CaseAttachments.as_view(),
        name="case_attachments",
    ),
    path(
        "attachments/<id:pk>/", cases_api.AttachmentDownload.as_view(), name="attachment_download"
    ),
    path("moves/", move_api.MoveListCreate.as_view(), name="moves"),
    path("moves/<id:pk>/", move_api.MoveDetail.as_view(), name="move_detail"),
    path("moves/<id:pk>/decide/", move_api.MoveDecide.as_view(), name="move_decide"),
    path("tasks/", workflows_api.TaskList.as_view(), name="tasks"),
    path("tasks/<id:task_id>/claim/", workflows_api.TaskClaim.as_view(), name="task_claim"),
    path(
        "tasks/<id:task_id>/complete/", workflows_api.TaskComplete.as_view(), name="task_complete"
    ),
    path("referrals/", referrals_api.ReferralList.as_view(), name="referrals"),
    path(
        "referrals/<id:referral_id>/revoke/",
        referrals_api.ReferralRevoke.as_view(),
        name="referral_revoke",
    ),
    path("dashboard/", workflows_api.Dashboard.as_view(), name="dashboard"),
    path("notifications/", workflows_api.NotificationList.as_view(), name="notifications"),
    path(
        "notifications/<id:notification_id>/read/",
        workflows_api.NotificationRead.as_view(),
        name="notification_read",
    ),
]
