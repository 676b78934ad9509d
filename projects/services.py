"""Writes for bids, their members and win themes.

Every write runs in a transaction that also records activity and bumps the company's data
version (``company_touch``), which retires every cached bid list and dashboard at once.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from accounts.audit import Category
from accounts.audit import Severity
from accounts.audit import activity_record
from accounts.models import Company
from accounts.models import Membership
from accounts.models import User
from accounts.services import company_touch
from accounts.services import register_ownership_hook
from bidscript.exceptions import Conflict
from projects.models import Project
from projects.models import ProjectMember
from projects.models import Theme

EDITABLE_FIELDS = ("name", "client_name", "reference", "description", "due_at", "value", "currency")


def _record(project: Project, actor: User, action: str, **details: Any) -> None:
    activity_record(
        company=project.company, actor=actor, action=action, category=Category.PROJECT,
        severity=details.pop("severity", Severity.INFO), target=project,
        details={"name": project.name, **details},
    )  # fmt: skip
    company_touch(company_id=project.company_id)


def _is_company_member(company_id: Any, user: User) -> bool:
    return Membership.objects.filter(company_id=company_id, user=user).exists()


@transaction.atomic
def project_create(*, company: Company, created_by: User, **fields: Any) -> Project:
    """Create a bid owned and led by its creator."""
    project = Project(company=company, owner=created_by, **fields)
    project.full_clean()
    project.save()
    ProjectMember.objects.create(project=project, user=created_by, role=ProjectMember.Role.LEAD)
    _record(project, created_by, "project.created")
    return project


def _loggable(field: str, value: Any) -> Any:
    """A changed value as the activity log keeps it (JSON; the description is too long to)."""
    if field == "description" or value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@transaction.atomic
def project_update(*, project: Project, actor: User, **fields: Any) -> Project:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    changed = {name: value for name, value in fields.items() if getattr(project, name) != value}
    for name, value in changed.items():
        setattr(project, name, value)
    if changed:
        project.full_clean()
        project.save(update_fields=[*changed, "updated_at"])
        _record(project, actor, "project.updated", fields=sorted(changed),
                changes={name: _loggable(name, getattr(project, name)) for name in changed})  # fmt: skip
    return project


@transaction.atomic
def project_transition(*, project: Project, status: str, actor: User) -> Project:
    """Move the bid to ``status``; a move the lifecycle does not allow is a 400 naming the allowed ones."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    allowed = project.allowed_transitions()
    if status not in allowed:
        labels = (
            ", ".join(Project.Status(choice).label for choice in allowed) or "none (it is closed)"
        )
        raise ValidationError(
            {"status": f"A {project.get_status_display().lower()} bid cannot become "
                       f"“{status}”. Allowed: {labels}."}
        )  # fmt: skip
    old, project.status = project.status, status
    project.save(update_fields=["status", "updated_at"])
    _record(project, actor, "project.status_changed", **{"from": old, "to": status})
    return project


@transaction.atomic
def project_trash(*, project: Project, actor: User) -> Project:
    if project.move_to_trash():
        _record(project, actor, "project.trashed", severity=Severity.WARNING)
    return project


@transaction.atomic
def project_restore(*, project: Project, actor: User) -> Project:
    if project.restore_from_trash():
        _record(project, actor, "project.restored")
    return project


@transaction.atomic
def project_purge(*, project: Project, actor: User) -> None:
    """Delete a trashed bid for good, with everything in it."""
    if project.deleted_at is None:
        raise Conflict("Move the bid to the trash before deleting it permanently.")
    _record(project, actor, "project.deleted", severity=Severity.CRITICAL)
    project.delete()


@transaction.atomic
def project_transfer(*, project: Project, new_owner: User, actor: User) -> Project:
    """Hand the bid to another company member, who also becomes its lead."""
    if not _is_company_member(project.company_id, new_owner):
        raise ValidationError({"owner": "The new owner must be a member of the company."})
    old_owner, project.owner = project.owner, new_owner
    project.save(update_fields=["owner", "updated_at"])
    ProjectMember.objects.update_or_create(
        project=project, user=new_owner, defaults={"role": ProjectMember.Role.LEAD}
    )
    _record(
        project, actor, "project.transferred", **{"from": old_owner.email, "to": new_owner.email}
    )
    return project


@register_ownership_hook
def projects_hand_over(*, user: User, company: Company, new_owner: User) -> int:
    """When a user leaves a company (``user_transfer``), their bids there pass to ``new_owner``."""
    moved = Project.objects.filter(company=company, owner=user).update(owner=new_owner)
    company_touch(company_id=company.pk)
    return moved


# ------------------------------------------------------------------ Members


@transaction.atomic
def project_member_set(*, project: Project, user: User, role: str, actor: User) -> ProjectMember:
    """Add a company member to the bid, or change their role on it."""
    if not _is_company_member(project.company_id, user):
        raise ValidationError({"user": "Only members of the company can join its bids."})
    member, created = ProjectMember.objects.get_or_create(
        project=project, user=user, defaults={"role": role}
    )
    if not created:
        if member.role == ProjectMember.Role.LEAD and role != member.role:
            _guard_last_lead(member)
        member.role = role
        member.save(update_fields=["role", "updated_at"])
    member.full_clean()
    _record(project, actor, "project.member_added" if created else "project.member_changed",
            email=user.email, role=role)  # fmt: skip
    return member


def _guard_last_lead(member: ProjectMember) -> None:
    others = ProjectMember.objects.filter(
        project_id=member.project_id, role=ProjectMember.Role.LEAD
    )
    if not others.exclude(pk=member.pk).exists():
        raise Conflict("A bid needs a lead: make someone else lead first.")


@transaction.atomic
def project_member_remove(*, member: ProjectMember, actor: User) -> None:
    if member.role == ProjectMember.Role.LEAD:
        _guard_last_lead(member)
    if member.user_id == member.project.owner_id:
        raise Conflict("The bid's owner stays on it: transfer ownership first.")
    member.delete()
    _record(member.project, actor, "project.member_removed", email=member.user.email)


# ------------------------------------------------------------------ Win themes


@transaction.atomic
def theme_create(*, project: Project, title: str, description: str, actor: User) -> Theme:
    last = project.themes.aggregate(last=Max("position"))["last"]
    theme = Theme(
        project=project, title=title.strip(), description=description, position=(last or 0) + 1
    )
    theme.full_clean()
    theme.save()
    _record(project, actor, "project.theme_added", theme=theme.title)
    return theme


@transaction.atomic
def theme_update(*, theme: Theme, title: str, description: str, actor: User) -> Theme:
    theme.title, theme.description = title.strip(), description
    theme.full_clean()
    theme.save(update_fields=["title", "description", "updated_at"])
    _record(theme.project, actor, "project.theme_changed", theme=theme.title)
    return theme


@transaction.atomic
def theme_reorder(*, project: Project, order: list[Any], actor: User) -> list[Theme]:
    """Put the bid's themes in the given order of ids (every theme, each once)."""
    themes = {str(theme.pk): theme for theme in project.themes.select_for_update()}
    wanted = [str(theme_id) for theme_id in order]
    if sorted(wanted) != sorted(themes):
        raise ValidationError({"order": "List every theme of this bid exactly once."})
    for position, theme_id in enumerate(wanted, start=1):
        themes[theme_id].position = position
    Theme.objects.bulk_update(themes.values(), ["position"])
    _record(project, actor, "project.themes_reordered")
    return [themes[theme_id] for theme_id in wanted]


@transaction.atomic
def theme_delete(*, theme: Theme, actor: User) -> None:
    theme.delete()
    _record(theme.project, actor, "project.theme_removed", theme=theme.title)
