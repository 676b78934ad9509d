from django.urls import path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from accounts import api as accounts_api
from chat import api as chat_api
from documents import api as documents_api
from projects import api as projects_api


class ApiRootApi(APIView):
    """Entry point of the v1 API: links to the schema, the docs and the health endpoint."""

    permission_classes = [AllowAny]

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        return Response(
            {
                "version": "v1",
                "schema": reverse("api:schema", request=request),
                "docs": reverse("api:docs", request=request),
                "health": reverse("health", request=request),
            }
        )


router = SimpleRouter()
router.register("companies", accounts_api.CompanyViewSet, basename="company")
router.register("members", accounts_api.MemberViewSet, basename="member")
router.register("invitations", accounts_api.InvitationViewSet, basename="invitation")
router.register("tokens", accounts_api.TokenViewSet, basename="token")
router.register("activity", accounts_api.ActivityViewSet, basename="activity")
router.register("projects", projects_api.ProjectViewSet, basename="project")
router.register("documents", documents_api.DocumentViewSet, basename="document")
router.register("conversations", chat_api.ConversationViewSet, basename="conversation")

urlpatterns = [
    path("", ApiRootApi.as_view(), name="root"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("me/", accounts_api.MeApi.as_view(), name="me"),
    path(
        "invitations/accept/", accounts_api.InvitationAcceptApi.as_view(), name="invitation-accept"
    ),
    path("users/search/", accounts_api.UserSearchApi.as_view(), name="user-search"),
    path("search/", documents_api.SearchApi.as_view(), name="search"),
    *router.urls,
]
