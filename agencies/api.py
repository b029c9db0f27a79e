"""Login and logout (API tokens), catalogue endpoints and the caller's own profile."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from knox import views as knox_views
from rest_framework import generics, serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from .models import Agency, Membership, PpksCategory, Region, Service
from .selectors import active_memberships, regions_search
from .tokens import LanguageTokenAuthentication


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)

    def validate(self, attrs: dict) -> dict:
        """Checks the password through Django's backends (django-axes counts the failures)."""
        user = authenticate(
            request=self.context.get("request"),
            username=attrs["username"],
            password=attrs["password"],
        )
        if user is None:
            raise serializers.ValidationError(
                _("Nama pengguna atau kata sandi salah."), code="authorization"
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")
    expiry = serializers.DateTimeField(help_text="The token ends at this time (10 hours).")


class TokenView(knox_views.LoginView):
    """Exchange a username and password for a new API token (failed logins are locked out).

    Every login gives a new token, stored only as a digest and valid for 10 hours. No other
    credential is read: a stale token sent along does not stop a login.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"
    parser_classes = [FormParser, MultiPartParser, JSONParser]

    @extend_schema(request=LoginSerializer, responses={200: TokenSerializer})
    def post(self, request, format=None):
        try:
            serializer = LoginSerializer(data=request.data, context={"request": request})
            serializer.is_valid(raise_exception=True)
            request.user = serializer.validated_data["user"]
            return super().post(request, format=format)
        finally:
            # django-axes marks the request it saw; make its lock-out visible to the
            # middleware, which only sees Django's request, not DRF's wrapper.
            if getattr(request, "axes_locked_out", False):
                request._request.axes_locked_out = True


class LogoutView(knox_views.LogoutView):
    """End the token this request is sent with."""

    authentication_classes = (LanguageTokenAuthentication,)

    @extend_schema(request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format=format)


class LogoutAllView(knox_views.LogoutAllView):
    """End every token of this account (log out everywhere)."""

    authentication_classes = (LanguageTokenAuthentication,)

    @extend_schema(request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format=format)


class MembershipSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    office = serializers.CharField(source="office.name", allow_null=True, default=None)
    area = serializers.CharField(source="area_id")
    area_name = serializers.CharField(source="area.name")

    class Meta:
        model = Membership
        fields = ["role", "agency", "office", "area", "area_name"]


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField()
    memberships = MembershipSerializer(many=True)


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        data = {
            "username": user.get_username(),
            "display_name": user.get_full_name() or user.get_username(),
            "memberships": active_memberships(user),
        }
        return Response(MeSerializer(data).data)


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent_id", allow_null=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent"]


class RegionQuery(serializers.Serializer):
    """The query of ``GET /regions/``, both optional. A value the database cannot take (a NUL
    character) is a 400 naming the parameter, as for any text field, not a 500."""

    parent = serializers.CharField(required=False, allow_blank=True, help_text="Parent region code")
    q = serializers.CharField(required=False, allow_blank=True, help_text="Name prefix")


class RegionList(generics.ListAPIView):
    """Regions: children of ``parent`` (a code), names starting with ``q``."""

    serializer_class = RegionSerializer
    filter_backends: list = []

    @extend_schema(parameters=[RegionQuery])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = RegionQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return regions_search(**query.validated_data)[:200]


class ServiceSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency_kind")
    agency_name = serializers.CharField(source="get_agency_kind_display")
    required_documents = serializers.SlugRelatedField(
        slug_field="display_name",
        many=True,
        read_only=True,
        help_text="In the caller's language (Accept-Language).",
    )
    display_name = serializers.CharField(
        read_only=True, help_text="The name in the caller's language (Accept-Language)."
    )

    class Meta:
        model = Service
        fields = [
            "code",
            "name",
            "name_en",
            "display_name",
            "agency",
            "agency_name",
            "response_days",
            "aid_type",
            "required_documents",
        ]


class ServiceList(generics.ListAPIView):
    serializer_class = ServiceSerializer
    pagination_class = None
    filter_backends: list = []
    queryset = Service.objects.filter(is_active=True).prefetch_related("required_documents")


class PpksCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = PpksCategory
        fields = ["code", "name", "name_en", "display_name", "is_sensitive"]

    display_name = serializers.CharField(
        read_only=True, help_text="The name in the caller's language (Accept-Language)."
    )


class PpksCategoryList(generics.ListAPIView):
    serializer_class = PpksCategorySerializer
    pagination_class = None
    filter_backends: list = []
    queryset = PpksCategory.objects.filter(is_active=True)


class AgencySerializer(serializers.ModelSerializer):
    regency = serializers.CharField(source="regency_id")

    class Meta:
        model = Agency
        fields = ["code", "name", "kind", "regency"]


class AgencyList(generics.ListAPIView):
    serializer_class = AgencySerializer
    pagination_class = None
    filter_backends: list = []
    queryset = Agency.objects.filter(is_active=True).order_by("regency_id", "name")
