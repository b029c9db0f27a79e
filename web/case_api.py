"""Case endpoints: open, list, read (with ETag), edit (If-Match), timeline, attachments."""

from __future__ import annotations

import datetime as dt

from django.db.models import DateTimeField, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import DocumentType
from cases import limits, selectors
from cases.access import log_access
from cases.attachments import download_response
from cases.models import AccessAction, Attachment, AttachmentKind, Case
from cases.serializers import (
    AttachmentOut,
    CaseCreatedOut,
    CaseDetailOut,
    CaseIn,
    CaseListOut,
    CasePatch,
    NeedsConfirmationOut,
    PersonIn,
    TimelineEventOut,
)
from cases.services import DocumentInput, add_documents
from core.api import NewestFirstCursor
from core.errors import IntakeError, NotAllowed
from referrals.selectors import downloadable_attachment
from web import selectors as web_selectors
from web.case_filters import DEFAULT_SORT, CaseListFilter
from web.timeline import case_timeline
from workflows.selectors import tasks_visible_to
from workflows.services import edit_case, open_case, reopen_case


class CaseListCursor(NewestFirstCursor):
    """The list's cursor, in the order ``sort`` asks for (``web.case_filters.SORTS``); by the
    nearest open-task deadline, cases without one come last either way."""

    ORDERINGS = {
        "-opened": ("-opened_at", "-id"),
        "opened": ("opened_at", "id"),
        "-updated": ("-updated_at", "-id"),
        "updated": ("updated_at", "id"),
        "due": ("due_key", "-id"),
        "-due": ("-due_key", "-id"),
    }
    NO_DEADLINE = {
        "due": dt.datetime.max.replace(tzinfo=dt.UTC) - dt.timedelta(days=1),
        "-due": dt.datetime.min.replace(tzinfo=dt.UTC) + dt.timedelta(days=1),
    }

    def _sort(self, request) -> str:
        sort = request.query_params.get("sort") or DEFAULT_SORT
        return sort if sort in self.ORDERINGS else DEFAULT_SORT

    def paginate_queryset(self, queryset, request, view=None):
        sort = self._sort(request)
        if sort in self.NO_DEADLINE:
            far = Value(self.NO_DEADLINE[sort], output_field=DateTimeField())
            queryset = queryset.annotate(due_key=Coalesce("next_due", far))
        return super().paginate_queryset(queryset, request, view)

    def get_ordering(self, request, queryset, view):
        return self.ORDERINGS[self._sort(request)]


class CaseSearchIn(serializers.Serializer):
    q = serializers.CharField(max_length=100, help_text="Case number, name or full NIK")


class CaseSearchOut(serializers.Serializer):
    results = CaseListOut(many=True)


class CaseSearch(APIView):
    """Search cases by full NIK (or number, or name) with the term in the body, never in the
    URL: at most 50 cases in scope, newest first."""

    @extend_schema(request=CaseSearchIn, responses={200: CaseSearchOut})
    def post(self, request):
        data = CaseSearchIn(data=request.data)
        data.is_valid(raise_exception=True)
        cases = selectors.search_cases(
            selectors.cases_visible_to(request.user).select_related("beneficiary", "region"),
            data.validated_data["q"],
        ).order_by("-opened_at", "-pk")[:50]
        return Response({"results": CaseListOut(cases, many=True).data})


def _detail_data(user, case: Case) -> dict:
    page = web_selectors.case_page(user, case)
    return {
        **{f: getattr(case, f) for f in ("number", "kind", "channel", "stage", "status")},
        "outcome": case.outcome,
        "priority": case.priority,
        "region": case.region,
        "region_id": case.region_id,
        "beneficiary": case.beneficiary,
        "applicant": case.applicant,
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
        "subject": case.subject,
        "description": case.description,
        "ppks_category": case.ppks_category.code
        if case.ppks_category and page["show_category"]
        else None,
        "complaint_tier": case.complaint_tier,
        "requested_services": [s.code for s in case.requested_services.all()],
        "registry_findings": page["registry"] if page["whole_case"] else None,
        "intake_warnings": case.intake_warnings if page["whole_case"] else [],
        "referrals": page["referrals"],
        "open_tasks": list(
            tasks_visible_to(user).open().filter(case=case).select_related("task__owner")
        ),
    }


# The version of the case an answer shows (GET and PATCH, and the intake that created it),
# for the next PATCH's If-Match.
ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200],
    required=True,
    description="The version of the case shown: send it as If-Match to edit it.",
)
CREATED_ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[201],
    required=True,
    description="The version of the case created: send it as If-Match to edit it.",
)


class CaseListCreate(generics.ListAPIView):
    """Cases in the caller's scope (GET), or open a new case (POST)."""

    serializer_class = CaseListOut
    pagination_class = CaseListCursor
    # The case list page's filters and sorts, the same parameters (``web.case_filters``).
    filterset_class = CaseListFilter

    def get_queryset(self):
        return web_selectors.case_list(self.request.user)

    @extend_schema(
        request=CaseIn,
        responses={201: CaseCreatedOut, 409: NeedsConfirmationOut},
        parameters=[CREATED_ETAG_HEADER],
    )
    def post(self, request):
        """Open a case. 409 ``needs_confirmation`` when the registry says to look first: a
        likely duplicate person, an open case for the same service, or aid already received;
        retry with the flag it names."""
        data = CaseIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        person = PersonIn()
        result = open_case(
            actor=request.user,
            kind=values["kind"],
            channel=values["channel"],
            ppks_category=values["ppks_category"],
            subject=values["subject"],
            description=values["description"],
            requested_services=values["requested_services"],
            applicant=person.to_input(values["applicant"]),
            beneficiary=person.to_input(values["beneficiary"])
            if values.get("beneficiary")
            else None,
            kk_number=values["kk_number"],
            priority=values["priority"],
            complaint_tier=values["complaint_tier"],
            deceased_override_reason=values["deceased_override_reason"],
            confirm_new_person=values["confirm_new_person"],
            confirm_open_case=values["confirm_open_case"],
            confirm_double_aid=values["confirm_double_aid"],
        )
        case = result.case
        body = {
            "number": case.number,
            "kind": case.kind,
            "stage": Case.objects.values_list("stage", flat=True).get(pk=case.pk),
            "status": case.status,
            "warnings": result.warnings,
        }
        response = Response(CaseCreatedOut(body).data, status=status.HTTP_201_CREATED)
        response["ETag"] = selectors.case_etag(case)
        return response


class CaseDetail(APIView):
    """One case. ``PATCH`` needs ``If-Match`` with the ETag of the version being edited."""

    @extend_schema(responses=CaseDetailOut, parameters=[ETAG_HEADER])
    def get(self, request, number: str):
        case = selectors.case_detail_or_404(request.user, number)
        log_access(
            user=request.user,
            action=AccessAction.VIEW_CASE,
            route="api:case_detail",
            case=case,
            person=case.beneficiary,
        )
        response = Response(CaseDetailOut(_detail_data(request.user, case)).data)
        response["ETag"] = selectors.case_etag(case)
        return response

    @extend_schema(
        request=CasePatch,
        responses=CaseDetailOut,
        parameters=[
            # Required: without it the answer is 428 (it names the version being edited).
            OpenApiParameter(
                "If-Match",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description="The ETag of the version being edited (from a GET or the last PATCH).",
            ),
            ETAG_HEADER,
        ],
    )
    def patch(self, request, number: str):
        case = selectors.case_detail_or_404(request.user, number)
        if not selectors.sees_whole_case(request.user, case):
            raise NotAllowed(_("Hanya tim kasus yang dapat mengubah kasus."))
        expected = request.headers.get("If-Match")
        if not expected:
            return Response(
                {"If-Match": [_("Kirim header If-Match berisi ETag versi yang diubah.")]},
                status=status.HTTP_428_PRECONDITION_REQUIRED,
            )
        data = CasePatch(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        unknown = set(request.data) - set(CasePatch().fields)
        if unknown:
            raise IntakeError(
                field_errors={name: [_("Kolom ini tidak dapat diubah.")] for name in unknown}
            )
        # The ETag is compared under the row lock (412 when another edit came first).
        edit_case(
            actor=request.user,
            case=case,
            changes=dict(data.validated_data),
            expected_etag=expected,
        )
        case = selectors.case_detail_or_404(request.user, number)
        response = Response(CaseDetailOut(_detail_data(request.user, case)).data)
        response["ETag"] = selectors.case_etag(case)
        return response


class CaseTimeline(APIView):
    @extend_schema(
        responses=inline_serializer("CaseTimeline", {"results": TimelineEventOut(many=True)})
    )
    def get(self, request, number: str):
        case = selectors.case_detail_or_404(request.user, number)
        events = case_timeline(case, viewer=request.user)
        results = [
            {
                "at": e.at,
                "occurred_at": e.occurred_at,
                "actor": e.actor.get_username() if e.actor else None,
                "kind": e.kind,
                "summary": e.summary,
                "detail": e.detail,
                "changes": [{"field": f, "old": old, "new": new} for f, old, new in e.changes],
            }
            for e in events
        ]
        return Response({"results": TimelineEventOut(results, many=True).data})


class AttachmentIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AttachmentKind.choices, required=False)
    document_type = serializers.SlugRelatedField(
        slug_field="code",
        queryset=DocumentType.objects.all(),
        required=False,
        help_text="Catalogue document this file provides (ktp, kk, sktm, ...).",
    )
    file = serializers.FileField()

    def validate(self, attrs):
        if not attrs.get("kind") and not attrs.get("document_type"):
            raise serializers.ValidationError(
                {"kind": [_("Isi jenis lampiran atau jenis dokumen persyaratan.")]}
            )
        return attrs


def _attachment_out(attachment: Attachment) -> dict:
    return {
        "id": attachment.pk,
        "kind": attachment.kind,
        "document_type": attachment.document_type.code if attachment.document_type else None,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "uploaded_at": attachment.uploaded_at,
        "download_url": reverse("api:attachment_download", args=[attachment.pk]),
    }


class CaseReopenIn(serializers.Serializer):
    reason = serializers.CharField(max_length=limits.REASON)


class CaseReopenOut(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    stage = serializers.CharField()
    round = serializers.IntegerField(help_text="1 for the first round, +1 per reopening.")


class CaseReopen(APIView):
    """Reopen a closed case (a supervisor of its area), with a reason: a new round starts
    at assessment. 403 for anyone else who sees the case; 409 if it is not closed."""

    @extend_schema(request=CaseReopenIn, responses={200: CaseReopenOut})
    def post(self, request, number: str):
        data = CaseReopenIn(data=request.data)
        data.is_valid(raise_exception=True)
        case = reopen_case(actor=request.user, number=number, reason=data.validated_data["reason"])
        case.refresh_from_db()
        return Response(CaseReopenOut(case).data)


class CaseAttachments(APIView):
    """Documents and photos of a case: JPG, PNG, WebP or PDF, at most 5 MB each."""

    parser_classes = [MultiPartParser]

    @extend_schema(request=AttachmentIn, responses={201: AttachmentOut})
    def post(self, request, number: str):
        case = selectors.case_detail_or_404(request.user, number)
        data = AttachmentIn(data=request.data)
        data.is_valid(raise_exception=True)
        document_type = data.validated_data.get("document_type")
        try:
            (attachment,) = add_documents(
                actor=request.user,
                case=case,
                documents=[
                    DocumentInput(
                        upload=data.validated_data["file"],
                        document_type=document_type.code if document_type else "",
                        kind=data.validated_data.get("kind", ""),
                    )
                ],
            )
        except IntakeError as error:
            # The service names each document's errors ``documents.<n>.<field>``; here the
            # one upload is ``file``.
            raise error.renamed(
                lambda name: "file" if name.startswith("documents") else name
            ) from None
        return Response(AttachmentOut(_attachment_out(attachment)).data, status=201)


class AttachmentDownload(APIView):
    @extend_schema(
        responses={
            (200, media_type): OpenApiTypes.BINARY
            for media_type in ("image/jpeg", "image/png", "image/webp", "application/pdf")
        }
    )
    def get(self, request, pk: int):
        attachment = downloadable_attachment(request.user, pk)
        if attachment is None:
            raise Http404
        log_access(
            user=request.user,
            action=AccessAction.DOWNLOAD,
            route="api:attachment_download",
            case=attachment.case,
        )
        return download_response(attachment)  # generated name (cases.attachments)
