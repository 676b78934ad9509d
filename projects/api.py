"""REST API for bids, their members and win themes: /api/v1/projects/…"""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api import CompanyScopedViewSet
from accounts.api import user_of
from accounts.models import User
from accounts.permissions import Action
from accounts.permissions import require
from accounts.selectors import member_list
from bidscript.cache import company_key
from bidscript.pagination import PageInput
from bidscript.pagination import page_links
from bidscript.rest import UUID_PATTERN
from bidscript.rest import cached_response
from bidscript.rest import validated
from projects import selectors
from projects import services
from projects.models import Project
from projects.models import ProjectMember
from projects.models import Theme
from projects.permissions import ProjectAction
from projects.permissions import project_role
from projects.permissions import require_project

# ------------------------------------------------------------------ Serializers


class BidOwnerOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    email = serializers.EmailField()


class ProjectOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    client_name = serializers.CharField()
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=Project.Status.choices)
    due_at = serializers.DateTimeField(allow_null=True)
    value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    currency = serializers.CharField()
    owner = BidOwnerOutput()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    deleted_at = serializers.DateTimeField(allow_null=True)
    document_count = serializers.IntegerField(
        allow_null=True, help_text="Documents not in the trash."
    )


class ProjectDetailOutput(ProjectOutput):
    description = serializers.CharField()
    allowed_transitions = serializers.ListField(child=serializers.CharField())
    your_role = serializers.CharField(allow_null=True)


@extend_schema_serializer(many=False)  # already a page: not to be wrapped in another
class ProjectPageOutput(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    page_size = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ProjectOutput(many=True)


class ProjectFilterInput(PageInput):
    search = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        help_text="Name or client contains (any case).",
    )
    status = serializers.ChoiceField(
        choices=Project.Status.choices, required=False, default="", allow_blank=True
    )
    owner = serializers.UUIDField(required=False, allow_null=True, default=None)
    due_from = serializers.DateField(required=False, allow_null=True, default=None)
    due_to = serializers.DateField(required=False, allow_null=True, default=None)
    ordering = serializers.ChoiceField(
        choices=list(selectors.ORDERINGS), required=False, default="-created_at"
    )


FILTER_PARAMETERS = sorted(ProjectFilterInput().fields)


class ProjectInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    client_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    due_at = serializers.DateTimeField(required=False, allow_null=True)
    value = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=0,
        coerce_to_string=False,
    )  # fmt: skip
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False, help_text="ISO 4217, e.g. GBP")


class ProjectUpdateInput(ProjectInput):
    name = serializers.CharField(max_length=200, required=False)


class TransitionInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=Project.Status.choices)


class TransferInput(serializers.Serializer):
    owner = serializers.UUIDField(help_text="The user id of a member of the company.")


class BidMemberOutput(serializers.Serializer):
    id = serializers.UUIDField()
    user = BidOwnerOutput()
    role = serializers.ChoiceField(choices=ProjectMember.Role.choices)


class BidMemberInput(serializers.Serializer):
    user = serializers.UUIDField()
    role = serializers.ChoiceField(
        choices=ProjectMember.Role.choices, default=ProjectMember.Role.WRITER
    )


class BidMemberRoleInput(serializers.Serializer):
    role = serializers.ChoiceField(choices=ProjectMember.Role.choices)


class ThemeOutput(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    description = serializers.CharField()
    position = serializers.IntegerField()


class ThemeInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class ThemeUpdateInput(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)


class ThemeOrderInput(serializers.Serializer):
    order = serializers.ListField(
        child=serializers.UUIDField(), help_text="Every theme id, in the new order."
    )


# ------------------------------------------------------------------ Views


class ProjectViewSet(CompanyScopedViewSet):
    """Bids of the current company that you can see (owners and admins see all)."""

    queryset = Project.objects.select_related("owner")
    lookup_url_kwarg = "project_id"

    def narrow_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        visible = Project.objects.visible_to(self.membership)
        chosen = visible.trashed() if self.action in ("restore", "purge") else visible.alive()
        return queryset.filter(pk__in=chosen.values("pk"))

    def _project(self, action_needed: ProjectAction) -> tuple[Project, str | None]:
        project = self.get_object()
        role = project_role(self.membership, project)
        require_project(role, action_needed)
        return project, role

    def _detail(self, project: Project, role: str | None) -> dict[str, Any]:
        body = {**selectors.project_row(project), "description": project.description}
        body |= {"allowed_transitions": list(project.allowed_transitions()), "your_role": role}
        return dict(ProjectDetailOutput(body).data)

    @extend_schema(parameters=[ProjectFilterInput], responses=ProjectPageOutput)
    def list(self, request: Request) -> HttpResponse:
        # Keyed by the query as sent (its known parameters), so a cache hit skips validation
        # and serialisation too; only a valid query is ever computed, so only those are stored.
        asked = [
            (name, request.query_params.getlist(name))
            for name in FILTER_PARAMETERS
            if name in request.query_params
        ]
        # The page links in the body name the host the list was asked through.
        origin = request.build_absolute_uri("/")
        key = company_key(self.membership, "projects:api-page", asked, origin)
        return cached_response(request, key, lambda: self._page(request))

    def _page(self, request: Request) -> dict[str, Any]:
        query = validated(ProjectFilterInput, request.query_params)
        page, page_size = query.pop("page"), query.pop("page_size")
        filters = selectors.ProjectFilters(**query)
        rows = selectors.project_page_uncached(
            membership=self.membership, filters=filters, page=page, page_size=page_size
        )
        rows |= page_links(request, rows["page"], rows["num_pages"])
        return dict(ProjectPageOutput(rows).data)

    @extend_schema(request=ProjectInput, responses={201: ProjectDetailOutput})
    def create(self, request: Request) -> Response:
        require(self.membership, Action.CREATE_PROJECTS)
        fields = validated(ProjectInput, request.data)
        project = services.project_create(
            company=self.membership.company, created_by=user_of(request), **fields
        )
        return Response(
            self._detail(project, ProjectMember.Role.LEAD), status=status.HTTP_201_CREATED
        )

    @extend_schema(responses=ProjectDetailOutput)
    def retrieve(self, request: Request, project_id: Any = None) -> Response:
        project, role = self._project(ProjectAction.VIEW)
        return Response(self._detail(project, role))

    @extend_schema(request=ProjectUpdateInput, responses=ProjectDetailOutput)
    def partial_update(self, request: Request, project_id: Any = None) -> Response:
        project, role = self._project(ProjectAction.EDIT)
        fields = validated(ProjectUpdateInput, request.data)
        project = services.project_update(project=project, actor=user_of(request), **fields)
        return Response(self._detail(project, role))

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, project_id: Any = None) -> Response:
        """Move the bid to the trash (restore it with POST …/restore/)."""
        project, _ = self._project(ProjectAction.TRASH)
        services.project_trash(project=project, actor=user_of(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=ProjectDetailOutput)
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, project_id: Any = None) -> Response:
        project, role = self._project(ProjectAction.TRASH)
        project = services.project_restore(project=project, actor=user_of(request))
        return Response(self._detail(project, role))

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def purge(self, request: Request, project_id: Any = None) -> Response:
        """Delete a trashed bid permanently (company owners and admins)."""
        require(self.membership, Action.PURGE_PROJECTS)
        services.project_purge(project=self.get_object(), actor=user_of(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=TransitionInput, responses=ProjectDetailOutput)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, project_id: Any = None) -> Response:
        project, role = self._project(ProjectAction.CHANGE_STATUS)
        new_status = validated(TransitionInput, request.data)["status"]
        project = services.project_transition(
            project=project, status=new_status, actor=user_of(request)
        )
        return Response(self._detail(project, role))

    @extend_schema(request=TransferInput, responses=ProjectDetailOutput)
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, project_id: Any = None) -> Response:
        project, role = self._project(ProjectAction.TRANSFER)
        new_owner = _company_user(self, validated(TransferInput, request.data)["owner"])
        project = services.project_transfer(
            project=project, new_owner=new_owner, actor=user_of(request)
        )
        return Response(self._detail(project, role))

    @extend_schema(methods=["GET"], responses=BidMemberOutput(many=True))
    @extend_schema(methods=["POST"], request=BidMemberInput, responses={201: BidMemberOutput})
    @action(detail=True, methods=["get", "post"], url_path="members")
    def members(self, request: Request, project_id: Any = None) -> Response:
        if request.method == "GET":
            project, _ = self._project(ProjectAction.VIEW)
            page = self.paginate_queryset(selectors.project_members(project=project))
            return self.get_paginated_response(BidMemberOutput(page, many=True).data)
        project, _ = self._project(ProjectAction.MANAGE_MEMBERS)
        data = validated(BidMemberInput, request.data)
        member = services.project_member_set(
            project=project,
            user=_company_user(self, data["user"]),
            role=data["role"],
            actor=user_of(request),
        )
        return Response(BidMemberOutput(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["PATCH"], request=BidMemberRoleInput, responses=BidMemberOutput)
    @extend_schema(methods=["DELETE"], responses={204: None})
    @action(
        detail=True,
        methods=["patch", "delete"],
        url_path=rf"members/(?P<project_member_id>{UUID_PATTERN})",
    )
    def member(
        self, request: Request, project_id: Any = None, project_member_id: Any = None
    ) -> Response:
        project, _ = self._project(ProjectAction.MANAGE_MEMBERS)
        member = _child(selectors.project_members(project=project), project_member_id)
        if request.method == "DELETE":
            services.project_member_remove(member=member, actor=user_of(request))
            return Response(status=status.HTTP_204_NO_CONTENT)
        role = validated(BidMemberRoleInput, request.data)["role"]
        member = services.project_member_set(
            project=project, user=member.user, role=role, actor=user_of(request)
        )
        return Response(BidMemberOutput(member).data)

    @extend_schema(methods=["GET"], responses=ThemeOutput(many=True))
    @extend_schema(methods=["POST"], request=ThemeInput, responses={201: ThemeOutput})
    @action(detail=True, methods=["get", "post"], url_path="themes")
    def themes(self, request: Request, project_id: Any = None) -> Response:
        if request.method == "GET":
            project, _ = self._project(ProjectAction.VIEW)
            page = self.paginate_queryset(project.themes.all())
            return self.get_paginated_response(ThemeOutput(page, many=True).data)
        project, _ = self._project(ProjectAction.EDIT)
        theme = services.theme_create(
            project=project, actor=user_of(request), **validated(ThemeInput, request.data)
        )
        return Response(ThemeOutput(theme).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ThemeOrderInput, responses=ThemeOutput(many=True))
    @action(detail=True, methods=["post"], url_path="themes/reorder")
    def reorder_themes(self, request: Request, project_id: Any = None) -> Response:
        project, _ = self._project(ProjectAction.EDIT)
        order = validated(ThemeOrderInput, request.data)["order"]
        themes = services.theme_reorder(project=project, order=order, actor=user_of(request))
        return Response(ThemeOutput(themes, many=True).data)

    @extend_schema(methods=["PATCH"], request=ThemeUpdateInput, responses=ThemeOutput)
    @extend_schema(methods=["DELETE"], responses={204: None})
    @action(
        detail=True, methods=["patch", "delete"], url_path=rf"themes/(?P<theme_id>{UUID_PATTERN})"
    )
    def theme(self, request: Request, project_id: Any = None, theme_id: Any = None) -> Response:
        project, _ = self._project(ProjectAction.EDIT)
        theme = _child(project.themes.all(), theme_id)
        if request.method == "DELETE":
            services.theme_delete(theme=theme, actor=user_of(request))
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = {"title": theme.title, "description": theme.description} | validated(
            ThemeUpdateInput, request.data
        )
        theme = services.theme_update(theme=theme, actor=user_of(request), **data)
        return Response(ThemeOutput(theme).data)


def _child[M: (ProjectMember, Theme)](queryset: QuerySet[M], child_id: Any) -> M:
    try:
        return queryset.get(pk=child_id)
    except (queryset.model.DoesNotExist, ValueError) as error:
        raise Http404 from error


def _company_user(view: ProjectViewSet, user_id: Any) -> User:
    """A user of the current company, else a validation error (ids of other tenants are unknown)."""
    member = member_list(membership=view.membership).filter(user_id=user_id).first()
    if member is None:
        raise serializers.ValidationError({"user": "No member of this company has that id."})
    return member.user
