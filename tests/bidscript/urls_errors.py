"""Routes that only the error-mapping tests mount: each one fails in a known way."""

from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import include
from django.urls import path
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.decorators import permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User


class EmailSerializer(serializers.Serializer):
    email = serializers.EmailField()


@api_view(["POST"])
@permission_classes([AllowAny])
def create_user(request: Request) -> Response:
    serializer = EmailSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    User.objects.create_user(email=serializer.validated_data["email"])
    return Response(status=201)


@api_view(["POST"])
@permission_classes([AllowAny])
def add_to_missing_group(request: Request) -> Response:
    with transaction.atomic():  # foreign keys are checked when the transaction commits
        user = User.objects.create_user(email="member@example.com")
        User.groups.through.objects.create(user=user, group_id=2_000_000_000)
    return Response(status=201)


@api_view(["GET"])
@permission_classes([AllowAny])
def missing_group(request: Request) -> Response:
    get_object_or_404(Group, pk=2_000_000_000)
    return Response()


@api_view(["POST"])
@permission_classes([AllowAny])
def validate_email(request: Request) -> Response:
    EmailSerializer(data=request.data).is_valid(raise_exception=True)
    return Response()


@api_view(["GET"])
@permission_classes([AllowAny])
def explode(request: Request) -> Response:
    raise RuntimeError("secret internal detail: token=abc123")


def page_create_user(request: HttpRequest) -> HttpResponse:
    User.objects.create_user(email="page@example.com")
    return HttpResponse("created")


def page_explode(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internal detail in a page")


urlpatterns = [
    path("", include("bidscript.urls")),
    path("test-api/users/", create_user),
    path("test-api/memberships/", add_to_missing_group),
    path("test-api/groups/missing/", missing_group),
    path("test-api/validate/", validate_email),
    path("test-api/explode/", explode),
    path("test-pages/users/", page_create_user),
    path("test-pages/explode/", page_explode),
]
