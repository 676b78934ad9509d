"""Tenancy: which company a request acts in, and the scoping every tenant query goes through.

Pages resolve the company from the session (``CurrentCompanyMiddleware`` sets
``request.membership``); API requests from their token, or the session for browser calls.
Tenant data is only ever read through ``scoped`` / ``get_scoped_or_404`` or the
``CompanyScopedApiMixin`` base class, so another company's object is a 404 — the same answer
as an id that does not exist.

A page link to an object in another company the user belongs to switches the session to that
company and opens it (``CurrentCompanyMiddleware.process_exception``); each app declares how
its linked objects are found with the ``linked_object`` decorator. API tokens never switch.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.db.models import QuerySet
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.http import HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.functional import SimpleLazyObject
from rest_framework.exceptions import NotFound
from rest_framework.request import Request

from accounts.models import ApiToken
from accounts.models import Company
from accounts.models import Membership
from accounts.models import User

SESSION_KEY = "bidscript_company_id"

ViewFunction = Callable[..., HttpResponseBase]


class AuthedRequest(HttpRequest):
    """A page request from a signed-in user, as ``CurrentCompanyMiddleware`` leaves it."""

    user: User
    membership: Membership


def memberships_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("company", "user")


def membership_for(user: Any, company_id: Any) -> Membership | None:
    if not getattr(user, "is_authenticated", False) or not company_id:
        return None
    try:
        # order_by(): one row at most, so no sort (the default ordering joins two tables).
        return memberships_of(user).filter(company_id=company_id).order_by().first()
    except (ValueError, TypeError):  # a malformed id in the session
        return None


def resolve_membership(request: HttpRequest | Request) -> Membership | None:
    """The membership the request acts through, or None for anonymous or company-less users.

    A token fixes the company; a session uses the company it last switched to, else the
    user's personal company, else their first.
    """
    auth = getattr(request, "auth", None)
    if isinstance(auth, ApiToken):
        return auth.membership or membership_for(request.user, auth.company_id)
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    chosen = membership_for(user, request.session.get(SESSION_KEY))
    if chosen is not None:
        return chosen
    return (
        memberships_of(user)
        .order_by(
            models.Case(models.When(company__kind=Company.Kind.PERSONAL, then=0), default=1),
            "created_at",
        )
        .first()
    )


def company_switch(request: HttpRequest, company_id: Any) -> Membership:
    """Make ``company_id`` the session's current company; 404 unless the user is a member."""
    membership = membership_for(request.user, company_id)
    if membership is None:
        raise Http404
    request.session[SESSION_KEY] = str(membership.company_id)
    return membership


def scoped[Q: QuerySet[Any]](queryset: Q, membership: Membership, field: str = "company") -> Q:
    """Only the rows of the membership's company (the QuerySet keeps its own class)."""
    return queryset.filter(**{field: membership.company_id})


def get_scoped_or_404[M: models.Model](
    queryset: QuerySet[M], membership: Membership, field: str = "company", **lookup: Any
) -> M:
    """One row of the membership's company; another company's row is a 404 like a missing one."""
    try:
        return scoped(queryset, membership, field).get(**lookup)
    except (models.ObjectDoesNotExist, ValueError) as error:
        raise Http404 from error


def member_required(view: ViewFunction) -> ViewFunction:
    """Signed in and acting in a company; ``request.membership`` is then a Membership."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.membership:
            messages.info(request, "You are not in a company yet: create a workspace to start.")
            return redirect("accounts:company")
        return view(request, *args, **kwargs)

    return wrapper


# ------------------------------------------------------------------ Links across companies


Visibility = Callable[[Membership, Any], bool]


@dataclass(frozen=True)
class LinkedObject:
    """An object page URLs name: its kind in words, and whether a membership may see the
    object with a given id (the owning app's own visibility rule)."""

    noun: str
    visible: Visibility


LINKED_OBJECTS: dict[str, LinkedObject] = {}


def linked_object(url_kwarg: str, *, noun: str) -> Callable[[Visibility], Visibility]:
    """Declare (as a decorator on its visibility check) that page URLs name an object in
    ``url_kwarg``, e.g. ``project_id``, so a link to it can open in the company that holds it."""

    def register(visible: Visibility) -> Visibility:
        LINKED_OBJECTS[url_kwarg] = LinkedObject(noun, visible)
        return visible

    return register


def membership_to_open(request: HttpRequest) -> tuple[Membership, str] | None:
    """Another of the user's companies in which the object a page URL names is visible, and the
    object's noun; None when there is none (the user does not belong: the 404 stands)."""
    match = request.resolver_match
    current = getattr(request, "membership", None)
    linked = [
        (LINKED_OBJECTS[name], value)
        for name, value in (match.kwargs.items() if match else ())
        if name in LINKED_OBJECTS
    ]
    if not linked or not current:
        return None
    others = memberships_of(request.user).exclude(company_id=current.company_id)  # type: ignore[arg-type]
    for membership in others:
        if all(kind.visible(membership, value) for kind, value in linked):
            return membership, linked[0][0].noun
    return None


def _opens_in_another_company(request: HttpRequest) -> HttpResponse | None:
    """Switch to the company that holds the linked object and load the page again."""
    if request.method not in ("GET", "HEAD") or not request.user.is_authenticated:
        return None
    found = membership_to_open(request)
    if found is None:
        return None
    membership, noun = found
    company_switch(request, membership.company_id)
    messages.info(request, f"Switched to {membership.company} to open this {noun}.")
    return HttpResponseRedirect(request.get_full_path())


class CurrentCompanyMiddleware:
    """Sets ``request.membership`` (lazily) for pages: the signed-in user's current company.

    A page that 404s because its object lives in another of the user's companies switches
    there instead; state-changing requests never switch.
    """

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = SimpleLazyObject(lambda: resolve_membership(request))  # type: ignore[attr-defined]
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404):
            return _opens_in_another_company(request)
        return None


class CompanyScopedApiMixin:
    """Base for DRF views over tenant data: the company filter cannot be skipped.

    Subclasses set ``queryset`` (and ``company_field`` when the company is reached through a
    relation) and may narrow it in ``narrow_queryset``; overriding ``get_queryset`` is refused
    at class creation.
    """

    company_field = "company"
    membership: Membership

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(
                f"{cls.__name__} overrides get_queryset; override narrow_queryset instead "
                "so the company filter always applies."
            )

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        membership = resolve_membership(request)
        if membership is None:
            raise NotFound("You are not a member of any company.")
        self.membership = membership

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset()  # type: ignore[misc]
        return self.narrow_queryset(scoped(queryset, self.membership, self.company_field))

    def narrow_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset
