"""Task, dashboard and notification endpoints: the same services and queues as the pages."""

from __future__ import annotations

import django_filters
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import Role
from cases import limits
from cases.models import Case, Channel, FollowUpOutcome, Outcome, Recommendation
from core.api import DueFirstCursor, flat_field_errors
from core.errors import WorkflowError
from referrals.models import ApprovalDecision, DeliveryChannel, ReviewDecision

from . import notifications, selectors, services
from .dashboard import dashboard_figures
from .models import (
    AssessmentDecision,
    ClosureDecision,
    Notification,
    ServiceDecision,
    TaskKind,
    WorkItem,
)
from .report_forms import DashboardForm


class TaskOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField()
    case = serializers.CharField(source="case.number")
    status = serializers.CharField(source="task.status")
    assignee = serializers.CharField(source="task.owner.username", allow_null=True, default=None)
    agency = serializers.CharField(source="agency.code", allow_null=True, default=None)
    referral = serializers.IntegerField(source="referral_id", allow_null=True)
    due_at = serializers.DateTimeField()
    at_risk = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    recommendation = serializers.SerializerMethodField(
        help_text="A service decision's recommended referrals (service and agency codes, "
        "beneficiary person id, note); null for other kinds."
    )

    def get_recommendation(self, item) -> list[dict] | None:
        if item.kind != TaskKind.SERVICE_DECISION:
            return None
        return list((item.task.process.data or {}).get("recommended_referrals", []))

    def get_at_risk(self, item) -> bool:
        now = self.context["now"]
        return item.at_risk_at <= now <= item.due_at

    def get_overdue(self, item) -> bool:
        return item.due_at < self.context["now"]


class TaskFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=TaskKind.choices)
    case = django_filters.CharFilter(field_name="case__number")

    class Meta:
        model = WorkItem
        fields = ["kind", "case"]


class TaskList(generics.ListAPIView):
    """Tasks the caller can act on now: assigned to them or claimable from their queues."""

    serializer_class = TaskOut
    pagination_class = DueFirstCursor
    filterset_class = TaskFilter

    def get_queryset(self):
        return selectors.actionable_tasks(self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}


class StageOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    case = serializers.CharField()
    stage = serializers.CharField()


def _after(item: WorkItem) -> Response:
    stage = Case.objects.values_list("stage", flat=True).get(pk=item.case_id)
    return Response({"id": item.pk, "kind": item.kind, "case": item.case.number, "stage": stage})


class TaskClaim(APIView):
    @extend_schema(
        request=None,
        responses={200: StageOut, 409: OpenApiResponse(description="Held by someone else")},
    )
    def post(self, request, task_id: int):
        item = selectors.visible_task_or_404(request.user, task_id)
        services.claim_task(actor=request.user, task_id=item.pk)
        return _after(item)


class VerificationIn(serializers.Serializer):
    visited_at = serializers.DateTimeField()
    findings = serializers.CharField(max_length=limits.FINDINGS)
    recommendation = serializers.ChoiceField(choices=Recommendation.choices)
    household_conditions = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.FINDINGS
    )
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, default=None
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, default=None
    )


class ReferralSpecIn(serializers.Serializer):
    service = serializers.CharField(max_length=40)
    agency = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    beneficiary = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=2**63 - 1,
        help_text="Who receives the aid: a person id on the case beneficiary's family card "
        "(default: the case's beneficiary).",
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=limits.NOTE,
        help_text="Why this agency is asked: printed on this referral's letter (the "
        "assessment's own note is not).",
    )


class AssessmentIn(serializers.Serializer):
    resolution = serializers.ChoiceField(choices=AssessmentDecision.choices)
    referrals = ReferralSpecIn(many=True, required=False, default=list)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.NOTE
    )


class ServiceDecisionIn(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=ServiceDecision.choices,
        help_text="approve: send the recommendation; change: send `referrals` instead; "
        "return: back to the back office with `reason`.",
    )
    referrals = ReferralSpecIn(many=True, required=False, default=list)
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.REASON
    )


class ReviewIn(serializers.Serializer):
    decision = serializers.ChoiceField(choices=ReviewDecision.choices)
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.REASON
    )


class ApprovalIn(serializers.Serializer):
    decision = serializers.ChoiceField(choices=ApprovalDecision.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.NOTE
    )


class DeliveryIn(serializers.Serializer):
    delivered_at = serializers.DateTimeField()
    channel = serializers.ChoiceField(choices=DeliveryChannel.choices)
    amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=0,
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
    )
    items = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.ITEMS
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.NOTE
    )
    double_aid_override_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.REASON
    )


class FollowUpIn(serializers.Serializer):
    contacted_at = serializers.DateTimeField()
    outcome = serializers.ChoiceField(choices=FollowUpOutcome.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.NOTE
    )


class ClosureIn(serializers.Serializer):
    decision = serializers.ChoiceField(choices=ClosureDecision.choices)
    outcome = serializers.ChoiceField(
        choices=Outcome.choices, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.NOTE
    )


class HandlingIn(serializers.Serializer):
    note = serializers.CharField(max_length=limits.NOTE)
    forward_to_agency = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default=""
    )


class ResponseIn(serializers.Serializer):
    response = serializers.CharField(max_length=limits.NOTE)
    channel = serializers.ChoiceField(choices=Channel.choices)


COMPLETIONS = {
    TaskKind.VERIFICATION: (VerificationIn, services.complete_verification),
    TaskKind.ASSESSMENT: (AssessmentIn, services.complete_assessment),
    TaskKind.SERVICE_DECISION: (ServiceDecisionIn, services.decide_services),
    TaskKind.REFERRAL_REVIEW: (ReviewIn, services.review_referral),
    TaskKind.APPROVAL: (ApprovalIn, services.decide_approval),
    TaskKind.DELIVERY: (DeliveryIn, services.record_delivery),
    TaskKind.FOLLOW_UP: (FollowUpIn, services.complete_follow_up),
    TaskKind.CLOSURE: (ClosureIn, services.complete_closure),
    TaskKind.HANDLING: (HandlingIn, services.complete_handling),
    TaskKind.RESPONSE: (ResponseIn, services.complete_response),
}


class TaskComplete(APIView):
    """Complete a task with the payload of its kind; answers the case's new stage."""

    @extend_schema(
        request=PolymorphicProxySerializer(
            component_name="TaskCompletion",
            serializers=[serializer for serializer, _service in COMPLETIONS.values()],
            resource_type_field_name=None,
        ),
        responses={
            200: StageOut,
            400: OpenApiResponse(description="Field errors"),
            409: OpenApiResponse(description="Task no longer open, or held by someone else"),
        },
    )
    def post(self, request, task_id: int):
        item = selectors.visible_task_or_404(request.user, task_id)
        serializer_class, service = COMPLETIONS[item.kind]
        data = serializer_class(data=request.data)
        if not data.is_valid():
            raise WorkflowError(field_errors=flat_field_errors(data.errors))
        service(actor=request.user, task_id=item.pk, **data.validated_data)
        return _after(item)


class WeekOut(serializers.Serializer):
    week = serializers.DateField()
    opened = serializers.IntegerField()
    closed = serializers.IntegerField()


class AgencyKpiOut(serializers.Serializer):
    """One agency's KPIs for one month (definitions: ``workflows.kpis``, README)."""

    agency = serializers.CharField(source="agency_code")
    name = serializers.CharField(source="agency_name")
    month = serializers.DateField()
    received = serializers.IntegerField()
    accepted = serializers.IntegerField()
    rejected = serializers.IntegerField()
    answered = serializers.IntegerField()
    due = serializers.IntegerField()
    answered_on_time = serializers.IntegerField()
    on_time_share = serializers.FloatField(allow_null=True)
    delivered = serializers.IntegerField()
    delivered_share = serializers.FloatField(allow_null=True)
    median_days_to_answer = serializers.FloatField(allow_null=True)
    median_days_to_delivery = serializers.FloatField(allow_null=True)
    overdue_now = serializers.IntegerField()


class DashboardOut(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    region = serializers.CharField()
    by_stage = serializers.DictField(child=serializers.IntegerField())
    open_cases = serializers.IntegerField()
    overdue_cases = serializers.IntegerField()
    at_risk_cases = serializers.IntegerField()
    by_agency = serializers.ListField(child=serializers.DictField())
    by_district = serializers.ListField(child=serializers.DictField())
    weeks = WeekOut(many=True)
    opened = serializers.IntegerField()
    closed = serializers.IntegerField()
    median_days_to_close = serializers.FloatField(allow_null=True)
    kpis = AgencyKpiOut(many=True)


class Dashboard(APIView):
    """Counts in the caller's scope (``workflows.dashboard``): cases by stage, cases with
    overdue and at-risk tasks, per agency and district, now; cases opened and closed per
    week and the agencies' KPIs over ``from``..``to`` (YYYY-MM-DD, by default the last eight
    weeks), in ``region`` (one of the caller's areas, by default all of them)."""

    @extend_schema(responses=DashboardOut)
    def get(self, request):
        form = DashboardForm(request.query_params, user=request.user, roles=frozenset(Role.values))
        if not form.is_valid():
            errors = {("from" if k == "from_" else k): list(v) for k, v in form.errors.items()}
            raise WorkflowError(field_errors=errors)
        data = dashboard_figures(
            request.user,
            start=form.cleaned_data["from_"],
            end=form.cleaned_data["to"],
            region=form.cleaned_data["region"],
        )
        data["by_agency"] = [
            {
                "agency": r["agency__code"],
                "name": r["agency__name"],
                "overdue": r["overdue"],
                "at_risk": r["at_risk"],
            }
            for r in data["by_agency"]
        ]
        data["by_district"] = [
            {
                "district": r["region__parent_id"],
                "name": r["region__parent__name"],
                "overdue": r["overdue"],
                "at_risk": r["at_risk"],
            }
            for r in data["by_district"]
        ]
        return Response(DashboardOut(data).data)


class NotificationOut(serializers.ModelSerializer):
    case = serializers.CharField(source="case.number", allow_null=True, default=None)
    message = serializers.CharField(
        source="text", help_text="The notice in the caller's language (Accept-Language)."
    )

    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "case", "created_at", "read_at"]


class NotificationCursor(DueFirstCursor):
    ordering = ("-created_at", "-id")


class NotificationList(generics.ListAPIView):
    serializer_class = NotificationOut
    pagination_class = NotificationCursor
    filter_backends: list = []

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user).select_related("case")


class NotificationRead(APIView):
    @extend_schema(request=None, responses=NotificationOut)
    def post(self, request, notification_id: int):
        try:
            notice = notifications.mark_read(user=request.user, notification_id=notification_id)
        except Notification.DoesNotExist:
            raise Http404 from None
        return Response(NotificationOut(notice).data, status=status.HTTP_200_OK)
