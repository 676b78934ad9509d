"""Settings pages: profile, security, company, members and invitations, API tokens, activity."""

import datetime as dt
from typing import Any

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import forms
from accounts import selectors
from accounts import services
from accounts.models import Invitation
from accounts.models import Membership
from accounts.models import Role
from accounts.permissions import Action
from accounts.permissions import permission_matrix
from accounts.permissions import require
from accounts.permissions import role_can
from accounts.tenancy import AuthedRequest
from accounts.tenancy import company_switch
from accounts.tenancy import get_scoped_or_404
from accounts.tenancy import member_required
from accounts.tenancy import memberships_of
from bidscript.pages import attempt

ACTIVITY_PAGE_SIZE = 50


# ------------------------------------------------------------------ Profile and security


@login_required
def profile(request: AuthedRequest) -> HttpResponse:
    form = forms.ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile was saved.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def security(request: AuthedRequest) -> HttpResponse:
    sign_ins = selectors.sign_in_history(user=request.user)
    return render(request, "accounts/security.html", {"sign_ins": sign_ins})


# ------------------------------------------------------------------ Companies


@login_required
def company(request: AuthedRequest) -> HttpResponse:
    membership = request.membership
    create_form = forms.CompanyNameForm(prefix="create")
    rename_form = forms.CompanyNameForm(
        initial={"name": membership.company.name} if membership else None
    )
    context = {
        "memberships": memberships_of(request.user),
        "create_form": create_form,
        "rename_form": rename_form,
        "can_rename": membership and role_can(membership.role, Action.RENAME_COMPANY),
        "can_delete": membership and role_can(membership.role, Action.DELETE_COMPANY),
    }
    return render(request, "accounts/company.html", context)


@login_required
@require_POST
def company_create(request: AuthedRequest) -> HttpResponse:
    form = forms.CompanyNameForm(request.POST, prefix="create")
    if form.is_valid():
        created = services.company_create(name=form.cleaned_data["name"], owner=request.user)
        company_switch(request, created.pk)
        messages.success(request, f"{created} was created and is now your current company.")
    else:
        messages.error(request, "Give the new workspace a name.")
    return redirect("accounts:company")


@member_required
@require_POST
def company_rename(request: AuthedRequest) -> HttpResponse:
    membership = request.membership
    form = forms.CompanyNameForm(request.POST)
    require(membership, Action.RENAME_COMPANY)
    if form.is_valid():
        attempt(
            request,
            lambda: services.company_rename(
                company=membership.company, name=form.cleaned_data["name"], actor=request.user
            ),
            "The company was renamed.",
        )
    return redirect("accounts:company")


@member_required
@reauthentication_required
def company_delete(request: AuthedRequest) -> HttpResponse:
    membership = request.membership
    require(membership, Action.DELETE_COMPANY)
    form = forms.CompanyDeleteForm(request.POST or None, company_name=membership.company.name)
    if request.method == "POST" and form.is_valid():
        name = membership.company.name
        if attempt(
            request,
            lambda: services.company_delete(company=membership.company, actor=request.user),
            f"{name} and everything in it were deleted.",
        ):
            return redirect("accounts:company")
    return render(request, "accounts/company_delete.html", {"form": form})


@login_required
@require_POST
def switch(request: AuthedRequest) -> HttpResponse:
    membership = company_switch(request, request.POST.get("company"))
    messages.success(request, f"You are now working in {membership.company}.")
    return redirect(request.POST.get("next") or "home")


# ------------------------------------------------------------------ Members and invitations


@member_required
def members(request: AuthedRequest) -> HttpResponse:
    membership = request.membership
    query = request.GET.get("q", "").strip()
    can_manage = role_can(membership.role, Action.INVITE_MEMBERS)
    member_rows = selectors.member_list(membership=membership)
    if query and role_can(membership.role, Action.SEARCH_USERS):
        found = selectors.user_search(membership=membership, query=query)
        member_rows = member_rows.filter(user__in=found)
    context = {
        "members": member_rows,
        "invitations": selectors.invitation_list(membership=membership, open_only=True)
        if can_manage
        else [],
        "invite_form": forms.InvitationForm(),
        "can_manage": can_manage,
        "can_manage_owners": role_can(membership.role, Action.MANAGE_OWNERS),
        "roles": Role.choices,
        "query": query,
        "matrix": permission_matrix(),
        "role_labels": Role.labels,
    }
    return render(request, "accounts/members.html", context)


@member_required
@require_POST
def member_role(request: AuthedRequest, member_id: Any) -> HttpResponse:
    membership = request.membership
    member = get_scoped_or_404(Membership.objects.select_related("user"), membership, pk=member_id)
    form = forms.RoleForm(request.POST)
    require(membership, Action.CHANGE_ROLES)
    if form.is_valid():
        role = form.cleaned_data["role"]
        if Role.OWNER in (role, member.role):
            require(membership, Action.MANAGE_OWNERS)
        attempt(
            request,
            lambda: services.membership_change_role(
                membership=member, role=role, actor=request.user
            ),
            f"{member.user} is now {Role(role).label.lower()}.",
        )
    return redirect("accounts:members")


@member_required
@require_POST
def member_remove(request: AuthedRequest, member_id: Any) -> HttpResponse:
    membership = request.membership
    member = get_scoped_or_404(Membership.objects.select_related("user"), membership, pk=member_id)
    if member.user_id != request.user.pk:
        require(membership, Action.REMOVE_MEMBERS)
        if member.role == Role.OWNER:
            require(membership, Action.MANAGE_OWNERS)
    attempt(
        request,
        lambda: services.membership_remove(membership=member, actor=request.user),
        f"{member.user} was removed from {member.company}.",
    )
    return redirect("accounts:members")


@member_required
@require_POST
def leave(request: AuthedRequest) -> HttpResponse:
    membership = request.membership
    if attempt(
        request,
        lambda: services.membership_remove(membership=membership, actor=request.user),
        f"You left {membership.company}.",
    ):
        return redirect("accounts:company")
    return redirect("accounts:members")


def _send_invitation(request: AuthedRequest, invitation: Invitation, token: str) -> None:
    link = request.build_absolute_uri(reverse("accounts:invitation_accept", args=[token]))
    services.invitation_send(invitation=invitation, accept_url=link)
    messages.success(
        request,
        f"Invitation emailed to {invitation.email}. The link, valid for 7 days, to share another way: {link}",
    )


@member_required
@require_POST
def invite(request: AuthedRequest) -> HttpResponse:
    membership = request.membership
    require(membership, Action.INVITE_MEMBERS)
    form = forms.InvitationForm(request.POST)
    if not form.is_valid():
        for message in form.errors.get("email", []) + form.errors.get("role", []):
            messages.error(request, str(message))
        return redirect("accounts:members")
    if form.cleaned_data["role"] == Role.OWNER:
        require(membership, Action.MANAGE_OWNERS)
    attempt(
        request,
        lambda: _send_invitation(
            request,
            *services.invitation_create(
                company=membership.company, invited_by=request.user, **form.cleaned_data
            ),
        ),
    )
    return redirect("accounts:members")


@member_required
@require_POST
def invitation_resend(request: AuthedRequest, invitation_id: Any) -> HttpResponse:
    membership = request.membership
    require(membership, Action.INVITE_MEMBERS)
    invitation = get_scoped_or_404(Invitation.objects.all(), membership, pk=invitation_id)
    attempt(
        request,
        lambda: _send_invitation(
            request, *services.invitation_resend(invitation=invitation, actor=request.user)
        ),
    )
    return redirect("accounts:members")


@member_required
@require_POST
def invitation_revoke(request: AuthedRequest, invitation_id: Any) -> HttpResponse:
    membership = request.membership
    require(membership, Action.INVITE_MEMBERS)
    invitation = get_scoped_or_404(Invitation.objects.all(), membership, pk=invitation_id)
    attempt(
        request,
        lambda: services.invitation_revoke(invitation=invitation, actor=request.user),
        f"The invitation to {invitation.email} was revoked.",
    )
    return redirect("accounts:members")


@login_required
def invitation_accept(request: AuthedRequest, token: str) -> HttpResponse:
    """The link in an invitation email: shows who invited you to what, and accepts on POST."""
    invitation = services.invitation_for_token(token)
    if request.method == "POST" and attempt(
        request,
        lambda: company_switch(
            request, services.invitation_accept(token=token, user=request.user).company_id
        ),
        f"Welcome to {invitation.company if invitation else 'the company'}.",
    ):
        return redirect("home")
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation})


# ------------------------------------------------------------------ API tokens


@member_required
def tokens(request: AuthedRequest) -> HttpResponse:
    membership = request.membership
    context = {
        "tokens": selectors.token_list(membership=membership),
        "form": forms.TokenForm(),
        "new_secret": request.session.pop("new_token_secret", None),
    }
    return render(request, "accounts/tokens.html", context)


@member_required
@reauthentication_required
@require_POST
def token_create(request: AuthedRequest) -> HttpResponse:
    membership = request.membership
    require(membership, Action.USE_API_TOKENS)
    form = forms.TokenForm(request.POST)
    if form.is_valid():
        _, secret = services.token_create(
            user=request.user, company=membership.company,
            name=form.cleaned_data["name"], expires_at=form.expires_at(),
        )  # fmt: skip
        # Shown once on the next page, then gone: only its hash is stored.
        request.session["new_token_secret"] = secret
    else:
        messages.error(request, "Give the token a name.")
    return redirect("accounts:tokens")


@member_required
@require_POST
def token_revoke(request: AuthedRequest, token_id: Any) -> HttpResponse:
    membership = request.membership
    token = get_scoped_or_404(selectors.token_list(membership=membership), membership, pk=token_id)
    services.token_revoke(token=token, actor=request.user)
    messages.success(request, f"The token “{token.name}” was revoked and no longer works.")
    return redirect("accounts:tokens")


# ------------------------------------------------------------------ Activity


def _day_start(day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


@member_required
def activity(request: AuthedRequest) -> HttpResponse:
    membership = request.membership
    require(membership, Action.VIEW_ACTIVITY)
    form = forms.ActivityFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    until = filters.get("until")
    entries = selectors.activity_list(
        membership=membership,
        category=filters.get("category"),
        severity=filters.get("severity"),
        since=_day_start(filters.get("since")),
        until=_day_start(until + dt.timedelta(days=1)) if until else None,
    )
    page = Paginator(entries, ACTIVITY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "accounts/activity.html", {"form": form, "page": page, "query": query.urlencode()}
    )
