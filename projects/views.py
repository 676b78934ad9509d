"""Bid pages: dashboard, list, trash, bid page with members and win themes, create and edit."""

import copy
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.views.decorators.http import require_POST

from accounts.permissions import Action
from accounts.permissions import require
from accounts.permissions import role_can
from accounts.tenancy import AuthedRequest
from accounts.tenancy import member_required
from bidscript.pages import attempt
from documents.forms import UploadForm
from documents.selectors import document_queryset
from projects import forms
from projects import selectors
from projects import services
from projects.models import Project
from projects.models import ProjectMember
from projects.models import Theme
from projects.permissions import ProjectAction
from projects.permissions import project_can
from projects.permissions import project_role
from projects.permissions import require_project


def _project(
    request: AuthedRequest, project_id: Any, action: ProjectAction, *, trashed: bool = False
) -> tuple[Project, str | None]:
    """The bid (404 unless the member may see it) and their role on it, checked for ``action``."""
    project = selectors.project_get(
        membership=request.membership, project_id=project_id, trashed=trashed
    )
    role = project_role(request.membership, project)
    require_project(role, action)
    return project, role


def _back(project: Project) -> HttpResponse:
    return redirect("projects:detail", project_id=project.pk)


@member_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    context = {
        "board": selectors.dashboard(membership=request.membership),
        "can_create": role_can(request.membership.role, Action.CREATE_PROJECTS),
    }
    return render(request, "projects/dashboard.html", context)


@member_required
def project_list(request: AuthedRequest) -> HttpResponse:
    form = forms.ProjectFilterForm(request.GET or None, membership=request.membership)
    page = selectors.project_page(
        membership=request.membership, filters=form.filters(), page=_int(request.GET.get("page"))
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "filtered": any(
            value for key, value in request.GET.items() if key not in ("page", "ordering")
        ),
        "can_create": role_can(request.membership.role, Action.CREATE_PROJECTS),
    }
    return render(request, "projects/list.html", context)


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 1


@member_required
def trash(request: AuthedRequest) -> HttpResponse:
    projects = selectors.trashed_projects(membership=request.membership)
    context = {
        "projects": projects,
        "can_purge": role_can(request.membership.role, Action.PURGE_PROJECTS),
    }
    return render(request, "projects/trash.html", context)


@member_required
def project_create(request: AuthedRequest) -> HttpResponse:
    require(request.membership, Action.CREATE_PROJECTS)
    form = forms.ProjectForm(request.POST or None, initial={"currency": "GBP"})
    if request.method == "POST" and form.is_valid():
        project = services.project_create(
            company=request.membership.company, created_by=request.user, **form.bid_fields()
        )
        messages.success(request, f"“{project}” was created. You lead it.")
        return _back(project)
    return render(request, "projects/form.html", {"form": form})


@member_required
def project_edit(request: AuthedRequest, project_id: Any) -> HttpResponse:
    project, _ = _project(request, project_id, ProjectAction.EDIT)
    form = forms.ProjectForm(request.POST or None, instance=copy.copy(project))
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS}
        services.project_update(project=project, actor=request.user, **fields)
        messages.success(request, "The bid was saved.")
        return _back(project)
    return render(request, "projects/form.html", {"form": form, "project": project})


@member_required
def project_detail(request: AuthedRequest, project_id: Any) -> HttpResponse:
    project, role = _project(request, project_id, ProjectAction.VIEW)
    membership = request.membership
    context = {
        "project": project,
        "role": role,
        "can": {action.name.lower(): project_can(role, action) for action in ProjectAction},
        "members": selectors.project_members(project=project),
        "themes": project.themes.all(),
        "activity": selectors.project_activity(project=project),
        "member_form": forms.MemberForm(membership=membership),
        "transfer_form": forms.TransferForm(
            membership=membership, initial={"owner": project.owner}
        ),
        "theme_form": forms.ThemeForm(),
        "member_roles": ProjectMember.Role.choices,
        "statuses": [(s, Project.Status(s).label) for s in project.allowed_transitions()],
        "documents": document_queryset(membership=membership, project=project.pk),
        "upload_form": UploadForm(project=project),
    }
    return render(request, "projects/detail.html", context)


@member_required
@require_POST
def project_status(request: AuthedRequest, project_id: Any) -> HttpResponse:
    project, _ = _project(request, project_id, ProjectAction.CHANGE_STATUS)
    new_status = request.POST.get("status", "")
    attempt(
        request,
        lambda: services.project_transition(project=project, status=new_status, actor=request.user),
        "The bid's status was changed.",
    )
    return _back(project)


@member_required
@require_POST
def project_trash(request: AuthedRequest, project_id: Any) -> HttpResponse:
    project, _ = _project(request, project_id, ProjectAction.TRASH)
    services.project_trash(project=project, actor=request.user)
    messages.success(request, f"“{project}” was moved to the trash. You can restore it from there.")
    return redirect("projects:list")


@member_required
@require_POST
def project_restore(request: AuthedRequest, project_id: Any) -> HttpResponse:
    project, _ = _project(request, project_id, ProjectAction.TRASH, trashed=True)
    services.project_restore(project=project, actor=request.user)
    messages.success(request, f"“{project}” was restored.")
    return _back(project)


@member_required
def project_purge(request: AuthedRequest, project_id: Any) -> HttpResponse:
    require(request.membership, Action.PURGE_PROJECTS)
    project = selectors.project_get(
        membership=request.membership, project_id=project_id, trashed=True
    )
    form = forms.PurgeForm(request.POST or None, project_name=project.name)
    if request.method == "POST" and form.is_valid():
        services.project_purge(project=project, actor=request.user)
        messages.success(request, f"“{project}” was deleted permanently.")
        return redirect("projects:trash")
    return render(request, "projects/purge.html", {"project": project, "form": form})


@member_required
@require_POST
def project_transfer(request: AuthedRequest, project_id: Any) -> HttpResponse:
    project, _ = _project(request, project_id, ProjectAction.TRANSFER)
    form = forms.TransferForm(request.POST, membership=request.membership)
    if form.is_valid():
        new_owner = form.cleaned_data["owner"]
        attempt(
            request,
            lambda: services.project_transfer(
                project=project, new_owner=new_owner, actor=request.user
            ),
            f"{new_owner.name or new_owner.email} now owns and leads this bid.",
        )
    return _back(project)


# ------------------------------------------------------------------ Members


@member_required
@require_POST
def member_add(request: AuthedRequest, project_id: Any) -> HttpResponse:
    project, _ = _project(request, project_id, ProjectAction.MANAGE_MEMBERS)
    form = forms.MemberForm(request.POST, membership=request.membership)
    if form.is_valid():
        user = form.cleaned_data["user"]
        attempt(
            request,
            lambda: services.project_member_set(
                project=project, user=user, role=form.cleaned_data["role"], actor=request.user
            ),
            f"{user.name or user.email} is on the bid as {form.cleaned_data['role']}.",
        )
    return _back(project)


def _member(project: Project, project_member_id: Any) -> ProjectMember:
    try:
        return selectors.project_members(project=project).get(pk=project_member_id)
    except ProjectMember.DoesNotExist as error:
        raise Http404 from error


@member_required
@require_POST
def member_role(request: AuthedRequest, project_id: Any, project_member_id: Any) -> HttpResponse:
    project, _ = _project(request, project_id, ProjectAction.MANAGE_MEMBERS)
    member = _member(project, project_member_id)
    role = request.POST.get("role", "")
    if role not in ProjectMember.Role.values:
        raise PermissionDenied("Unknown bid role.")
    attempt(
        request,
        lambda: services.project_member_set(
            project=project, user=member.user, role=role, actor=request.user
        ),
        f"{member.user.name or member.user.email} is now {role}.",
    )
    return _back(project)


@member_required
@require_POST
def member_remove(request: AuthedRequest, project_id: Any, project_member_id: Any) -> HttpResponse:
    project, _ = _project(request, project_id, ProjectAction.MANAGE_MEMBERS)
    member = _member(project, project_member_id)
    attempt(
        request,
        lambda: services.project_member_remove(member=member, actor=request.user),
        f"{member.user.name or member.user.email} was taken off the bid.",
    )
    return _back(project)


# ------------------------------------------------------------------ Win themes


@member_required
@require_POST
def theme_add(request: AuthedRequest, project_id: Any) -> HttpResponse:
    project, _ = _project(request, project_id, ProjectAction.EDIT)
    form = forms.ThemeForm(request.POST)
    if form.is_valid():
        services.theme_create(project=project, actor=request.user, **form.cleaned_data)
        messages.success(request, "The win theme was added.")
    else:
        messages.error(request, "A win theme needs a title.")
    return _back(project)


def _theme(project: Project, theme_id: Any) -> Theme:
    theme = project.themes.filter(pk=theme_id).first()
    if theme is None:
        raise Http404
    return theme


@member_required
@require_POST
def theme_edit(request: AuthedRequest, project_id: Any, theme_id: Any) -> HttpResponse:
    project, _ = _project(request, project_id, ProjectAction.EDIT)
    theme = _theme(project, theme_id)
    form = forms.ThemeForm(request.POST)
    if form.is_valid():
        services.theme_update(theme=theme, actor=request.user, **form.cleaned_data)
        messages.success(request, "The win theme was saved.")
    return _back(project)


@member_required
@require_POST
def theme_move(request: AuthedRequest, project_id: Any, theme_id: Any) -> HttpResponse:
    project, _ = _project(request, project_id, ProjectAction.EDIT)
    theme = _theme(project, theme_id)
    order = [t.pk for t in project.themes.all()]
    index = order.index(theme.pk)
    target = index - 1 if request.POST.get("direction") == "up" else index + 1
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
        services.theme_reorder(project=project, order=order, actor=request.user)
    return _back(project)


@member_required
@require_POST
def theme_delete(request: AuthedRequest, project_id: Any, theme_id: Any) -> HttpResponse:
    project, _ = _project(request, project_id, ProjectAction.EDIT)
    services.theme_delete(theme=_theme(project, theme_id), actor=request.user)
    messages.success(request, "The win theme was removed.")
    return _back(project)
