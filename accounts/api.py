"""REST API for the signed-in user, their companies, members, invitations, tokens and activity.

Views validate input with an input serializer, call a service or selector, and shape the
answer with an output serializer. Tenant views derive from ``CompanyScopedViewSet``.
"""

from typing import Any
from typing import cast

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from drf_spectacular.utils import inline_serializer
from rest_framework import mixins
from rest_framework import serializers
from rest_framework import status
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors
from accounts import services
from accounts.models import ActivityLog
from accounts.models import ApiToken
from accounts.models import Company
from accounts.models import Invitation
from accounts.models import Membership
from accounts.models import Role
from accounts.models import User
from accounts.permissions import Action
from accounts.permissions import require
from accounts.tenancy import CompanyScopedApiMixin
from accounts.tenancy import memberships_of
from accounts.tenancy import resolve_membership
from bidscript.rest import validated
from bidscript.schema import ErrorOutput

# ------------------------------------------------------------------ Output serializers


class UserOutput(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    name = serializers.CharField()


class CompanyOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    slug = serializers.SlugField()
    kind = serializers.ChoiceField(choices=Company.Kind.choices)
    created_at = serializers.DateTimeField()


class CompanyMembershipOutput(serializers.Serializer):
    company = CompanyOutput()
    role = serializers.ChoiceField(choices=Role.choices)


class MemberOutput(serializers.Serializer):
    id = serializers.UUIDField()
    user = UserOutput()
    role = serializers.ChoiceField(choices=Role.choices)
    joined_at = serializers.DateTimeField(source="created_at")


class InvitationOutput(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices)
    status = serializers.CharField()
    invited_by = UserOutput(allow_null=True)
    sent_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField(allow_null=True)


class NewInvitationOutput(InvitationOutput):
    accept_url = serializers.SerializerMethodField(help_text="The single-use link; shown only now.")

    def get_accept_url(self, invitation: Invitation) -> str:
        return str(self.context["accept_url"])


class TokenOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    prefix = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    is_active = serializers.BooleanField()


class NewTokenOutput(TokenOutput):
    secret = serializers.SerializerMethodField(help_text="The token itself; shown only now.")

    def get_secret(self, token: ApiToken) -> str:
        return str(self.context["secret"])


class ActivityOutput(serializers.Serializer):
    id = serializers.UUIDField()
    created_at = serializers.DateTimeField()
    actor = UserOutput(allow_null=True)
    action = serializers.CharField()
    category = serializers.ChoiceField(choices=ActivityLog.Category.choices)
    severity = serializers.ChoiceField(choices=ActivityLog.Severity.choices)
    target_type = serializers.CharField()
    target_id = serializers.CharField()
    details = serializers.JSONField()
    ip = serializers.IPAddressField(allow_null=True)


# ------------------------------------------------------------------ Me and companies


class MeApi(APIView):
    """The signed-in user, the company this request acts in, and all their companies."""

    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "user": UserOutput(),
                "current": CompanyMembershipOutput(allow_null=True),
                "companies": CompanyMembershipOutput(many=True),
            },
        )
    )
    def get(self, request: Request) -> Response:
        current = resolve_membership(request)
        return Response(
            {
                "user": UserOutput(user_of(request)).data,
                "current": CompanyMembershipOutput(current).data if current else None,
                "companies": CompanyMembershipOutput(
                    memberships_of(user_of(request)), many=True
                ).data,
            }
        )


class CompanyNameInput(serializers.Serializer):
    name = serializers.CharField(max_length=150)


class CompanyDeleteInput(serializers.Serializer):
    # A query parameter: DELETE bodies are not part of HTTP's semantics, and proxies may drop them.
    confirm = serializers.CharField(help_text="The company's name, to confirm deletion.")


class CompanyViewSet(viewsets.GenericViewSet):
    """Your companies. ``current`` is the one this request acts in (the token's company)."""

    @extend_schema(responses=CompanyMembershipOutput(many=True))
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(memberships_of(user_of(request)))
        return self.get_paginated_response(CompanyMembershipOutput(page, many=True).data)

    @extend_schema(request=CompanyNameInput, responses={201: CompanyOutput})
    def create(self, request: Request) -> Response:
        data = validated(CompanyNameInput, request.data)
        company = services.company_create(name=data["name"], owner=user_of(request))
        return Response(CompanyOutput(company).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses={200: CompanyMembershipOutput, 404: ErrorOutput})
    @extend_schema(
        methods=["PATCH"], request=CompanyNameInput,
        responses={200: CompanyMembershipOutput, 404: ErrorOutput},
    )  # fmt: skip
    @extend_schema(
        methods=["DELETE"], parameters=[CompanyDeleteInput], responses={204: None, 404: ErrorOutput}
    )
    @action(detail=False, methods=["get", "patch", "delete"])
    def current(self, request: Request) -> Response:
        membership = _current_membership(request)
        if request.method == "PATCH":
            require(membership, Action.RENAME_COMPANY)
            data = validated(CompanyNameInput, request.data)
            services.company_rename(
                company=membership.company, name=data["name"], actor=user_of(request)
            )
        elif request.method == "DELETE":
            require(membership, Action.DELETE_COMPANY)
            confirm = validated(CompanyDeleteInput, request.query_params)["confirm"]
            if confirm != membership.company.name:
                raise serializers.ValidationError({"confirm": "Type the company's exact name."})
            services.company_delete(company=membership.company, actor=user_of(request))
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(CompanyMembershipOutput(membership).data)


def user_of(request: Request) -> User:
    """The signed-in user (every view here requires authentication)."""
    return cast(User, request.user)


def _current_membership(request: Request) -> Membership:
    membership = resolve_membership(request)
    if membership is None:
        raise NotFound("You are not a member of any company.")
    return membership


# ------------------------------------------------------------------ Company-scoped resources


class CompanyScopedViewSet(CompanyScopedApiMixin, viewsets.GenericViewSet):
    lookup_value_converter = "uuid"


class MemberRoleInput(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class MemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CompanyScopedViewSet):
    """Members of the current company: list, change a role, remove, or leave."""

    queryset = Membership.objects.select_related("user").order_by("user__email")
    serializer_class = MemberOutput

    @extend_schema(request=MemberRoleInput, responses=MemberOutput)
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        member = self.get_object()
        role = validated(MemberRoleInput, request.data)["role"]
        require(self.membership, Action.CHANGE_ROLES)
        if Role.OWNER in (role, member.role):
            require(self.membership, Action.MANAGE_OWNERS)
        member = services.membership_change_role(
            membership=member, role=role, actor=user_of(request)
        )
        return Response(MemberOutput(member).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: Any = None) -> Response:
        member = self.get_object()
        if member.user_id != user_of(request).pk:
            require(self.membership, Action.REMOVE_MEMBERS)
            if member.role == Role.OWNER:
                require(self.membership, Action.MANAGE_OWNERS)
        services.membership_remove(membership=member, actor=user_of(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={204: None})
    @action(detail=False, methods=["post"])
    def leave(self, request: Request) -> Response:
        """Leave the current company (the last owner cannot)."""
        services.membership_remove(membership=self.membership, actor=user_of(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationCreateInput(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices, default=Role.MEMBER)


class InvitationAcceptInput(serializers.Serializer):
    token = serializers.CharField()


def _send_with_link(request: Request, invitation: Invitation, token: str) -> dict[str, Any]:
    link = request.build_absolute_uri(reverse("accounts:invitation_accept", args=[token]))
    services.invitation_send(invitation=invitation, accept_url=link)
    return dict(NewInvitationOutput(invitation, context={"accept_url": link}).data)


class InvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CompanyScopedViewSet):
    """Invitations to the current company (admins and owners)."""

    queryset = Invitation.objects.select_related("invited_by")
    serializer_class = InvitationOutput

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        require(self.membership, Action.INVITE_MEMBERS)

    @extend_schema(request=InvitationCreateInput, responses={201: NewInvitationOutput})
    def create(self, request: Request) -> Response:
        data = validated(InvitationCreateInput, request.data)
        if data["role"] == Role.OWNER:
            require(self.membership, Action.MANAGE_OWNERS)
        invitation, token = services.invitation_create(
            company=self.membership.company, invited_by=user_of(request), **data
        )
        return Response(_send_with_link(request, invitation, token), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=NewInvitationOutput)
    @action(detail=True, methods=["post"])
    def resend(self, request: Request, pk: Any = None) -> Response:
        invitation, token = services.invitation_resend(
            invitation=self.get_object(), actor=user_of(request)
        )
        return Response(_send_with_link(request, invitation, token))

    @extend_schema(request=None, responses=InvitationOutput)
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: Any = None) -> Response:
        invitation = services.invitation_revoke(
            invitation=self.get_object(), actor=user_of(request)
        )
        return Response(InvitationOutput(invitation).data)


class InvitationAcceptApi(APIView):
    """Accept an invitation sent to your email address, with the token from its link."""

    @extend_schema(request=InvitationAcceptInput, responses={201: CompanyMembershipOutput})
    def post(self, request: Request) -> Response:
        token = validated(InvitationAcceptInput, request.data)["token"]
        membership = services.invitation_accept(token=token, user=user_of(request))
        return Response(CompanyMembershipOutput(membership).data, status=status.HTTP_201_CREATED)


class TokenCreateInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)


class TokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CompanyScopedViewSet):
    """Your API tokens in the current company. A token's secret is shown once, at creation."""

    queryset = ApiToken.objects.all()
    serializer_class = TokenOutput

    def narrow_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(user=self.request.user)

    @extend_schema(request=TokenCreateInput, responses={201: NewTokenOutput})
    def create(self, request: Request) -> Response:
        require(self.membership, Action.USE_API_TOKENS)
        data = validated(TokenCreateInput, request.data)
        token, secret = services.token_create(
            user=user_of(request), company=self.membership.company, **data
        )
        body = NewTokenOutput(token, context={"secret": secret}).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: Any = None) -> Response:
        """Revoke the token; it stops working at once and stays listed as revoked."""
        services.token_revoke(token=self.get_object(), actor=user_of(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ActivityFilterInput(serializers.Serializer):
    category = serializers.ChoiceField(choices=ActivityLog.Category.choices, required=False)
    severity = serializers.ChoiceField(choices=ActivityLog.Severity.choices, required=False)
    actor = serializers.UUIDField(required=False)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)


class ActivityViewSet(mixins.ListModelMixin, CompanyScopedViewSet):
    """The current company's activity log, newest first (admins and owners; read-only)."""

    queryset = ActivityLog.objects.select_related("actor")
    serializer_class = ActivityOutput

    def narrow_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        require(self.membership, Action.VIEW_ACTIVITY)
        filters = validated(ActivityFilterInput, self.request.query_params)
        return selectors.activity_filter(queryset, **filters)

    @extend_schema(parameters=[ActivityFilterInput])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)


class UserSearchInput(serializers.Serializer):
    q = serializers.CharField(
        required=False, default="", allow_blank=True, help_text="Part of a name or email."
    )


class UserSearchApi(CompanyScopedApiMixin, APIView):
    """Members of the current company by name or email (admins and owners; at most 50)."""

    @extend_schema(parameters=[UserSearchInput], responses=UserOutput(many=True))
    def get(self, request: Request) -> Response:
        require(self.membership, Action.SEARCH_USERS)
        query = validated(UserSearchInput, request.query_params)["q"]
        users = selectors.user_search(membership=self.membership, query=query)
        return Response(UserOutput(users, many=True).data)
