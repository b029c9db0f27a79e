"""Referral endpoints: the caller's referrals, and revoking one."""

from __future__ import annotations

import django_filters
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import DueFirstCursor
from core.deadlines import overdue_q
from referrals.models import Referral, ReferralStatus
from referrals.selectors import referrals_visible_to
from workflows import services


class ReferralOut(serializers.ModelSerializer):
    case = serializers.CharField(source="case.number")
    service = serializers.CharField(source="service.code")
    agency = serializers.CharField(source="agency.code")

    class Meta:
        model = Referral
        fields = [
            "id",
            "case",
            "service",
            "agency",
            "status",
            "note",
            "sent_at",
            "due_at",
            "decision_reason",
            "ended_at",
        ]


class ReferralFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ReferralStatus.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = Referral
        fields = ["status"]

    def filter_overdue(self, queryset, name, value):
        late = queryset.filter(overdue_q(timezone.now()), ended_at__isnull=True)
        return late if value else queryset.exclude(pk__in=late.values("pk"))


class ReferralList(generics.ListAPIView):
    serializer_class = ReferralOut
    pagination_class = DueFirstCursor
    filterset_class = ReferralFilter

    def get_queryset(self):
        return referrals_visible_to(self.request.user).select_related("case", "service", "agency")


class RevokeIn(serializers.Serializer):
    reason = serializers.CharField()


class ReferralRevoke(APIView):
    """The sender withdraws a referral that has not been delivered (reason required)."""

    @extend_schema(request=RevokeIn, responses=ReferralOut)
    def post(self, request, referral_id: int):
        data = RevokeIn(data=request.data)
        data.is_valid(raise_exception=True)
        if not referrals_visible_to(request.user).filter(pk=referral_id).exists():
            raise Http404
        referral = services.revoke_referral(
            actor=request.user, referral_id=referral_id, reason=data.validated_data["reason"]
        )
        referral = Referral.objects.select_related("case", "service", "agency").get(pk=referral.pk)
        return Response(ReferralOut(referral).data)
