"""Move request endpoints (pindah domisili): file, list, read, decide.

The same services and scope as the pages (``cases.moves``): the receiving side sees what it
filed and the decision, never the person; the deciding side also sees the person (logged).
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import NewestFirstCursor

from . import moves
from .access import log_access
from .models import AccessAction, MoveDecision, MoveRequest, MoveStatus


class MoveOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    status = serializers.ChoiceField(choices=MoveStatus.choices)
    masked_nik = serializers.CharField(source="person.masked_nik")
    to_region = serializers.CharField(source="to_region_id")
    rt = serializers.CharField()
    rw = serializers.CharField()
    street = serializers.CharField()
    reason = serializers.CharField()
    requested_by = serializers.CharField(source="requested_by.username")
    requested_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_reason = serializers.CharField()


class MovePersonOut(serializers.Serializer):
    """Shown to the deciding side only."""

    full_name = serializers.CharField()
    birth_date = serializers.DateField(allow_null=True)
    region = serializers.CharField(source="region_id")
    rt = serializers.CharField()
    rw = serializers.CharField()
    street = serializers.CharField()


class MoveDetailOut(MoveOut):
    person = MovePersonOut(
        allow_null=True, help_text="Only for the deciding back office, while pending."
    )


def _detail(user, move: MoveRequest) -> dict:
    data = dict(MoveOut(move).data)
    if moves.shows_person(user, move):
        log_access(
            user=user,
            action=AccessAction.VIEW_PERSON,
            route="api:move_detail",
            person=move.person,
            purpose="Keputusan pindah domisili",
        )
        data["person"] = MovePersonOut(move.person).data
    else:
        data["person"] = None
    return data


class MoveNewestFirst(NewestFirstCursor):
    ordering = ("-requested_at", "-id")


class MoveListCreate(generics.ListAPIView):
    """Move requests filed by or for the caller's area, and those the caller decides."""

    serializer_class = MoveOut
    pagination_class = MoveNewestFirst

    def get_queryset(self):
        return moves.move_list(self.request.user)

    class MoveIn(serializers.Serializer):
        nik = serializers.CharField(max_length=32)
        region_code = serializers.CharField(max_length=13)
        rt = serializers.CharField(max_length=3, required=False, allow_blank=True, default="")
        rw = serializers.CharField(max_length=3, required=False, allow_blank=True, default="")
        street = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
        reason = serializers.CharField(max_length=moves.REASON_MAX_LENGTH)

    @extend_schema(request=MoveIn, responses={201: MoveDetailOut})
    def post(self, request):
        data = self.MoveIn(data=request.data)
        data.is_valid(raise_exception=True)
        move = moves.request_move(actor=request.user, **data.validated_data)
        return Response(_detail(request.user, move), status=status.HTTP_201_CREATED)


def _visible_move(user, pk: int) -> MoveRequest:
    try:
        return (
            moves.moves_visible_to(user)
            .select_related("person", "requested_by", "to_region")
            .get(pk=pk)
        )
    except MoveRequest.DoesNotExist:
        raise Http404 from None


class MoveDetail(APIView):
    @extend_schema(responses=MoveDetailOut)
    def get(self, request, pk: int):
        return Response(_detail(request.user, _visible_move(request.user, pk)))


class MoveDecide(APIView):
    """Accept (the person's domicile moves) or reject (with a reason) a pending request."""

    class DecisionIn(serializers.Serializer):
        decision = serializers.ChoiceField(choices=MoveDecision.choices)
        reason = serializers.CharField(
            max_length=moves.REASON_MAX_LENGTH, required=False, allow_blank=True, default=""
        )

    @extend_schema(request=DecisionIn, responses=MoveDetailOut)
    def post(self, request, pk: int):
        _visible_move(request.user, pk)
        data = self.DecisionIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            move = moves.decide_move(actor=request.user, move_id=pk, **data.validated_data)
        except MoveRequest.DoesNotExist:
            raise Http404 from None
        return Response(_detail(request.user, move))
