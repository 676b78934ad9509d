"""What each bid role may do on a bid; company owners and admins act as lead on every bid."""

from enum import StrEnum

from django.core.exceptions import PermissionDenied

from accounts.models import Membership
from accounts.permissions import Action
from accounts.permissions import role_can
from projects.models import Project
from projects.models import ProjectMember

Role = ProjectMember.Role


class ProjectAction(StrEnum):
    VIEW = "view the bid"
    EDIT = "edit details and win themes"
    CHANGE_STATUS = "change status"
    MANAGE_MEMBERS = "manage bid members"
    TRASH = "move to trash and restore"
    TRANSFER = "transfer ownership"


PROJECT_PERMISSIONS: dict[ProjectAction, frozenset[str]] = {
    ProjectAction.VIEW: frozenset(Role),
    ProjectAction.EDIT: frozenset({Role.LEAD, Role.WRITER}),
    ProjectAction.CHANGE_STATUS: frozenset({Role.LEAD}),
    ProjectAction.MANAGE_MEMBERS: frozenset({Role.LEAD}),
    ProjectAction.TRASH: frozenset({Role.LEAD}),
    ProjectAction.TRANSFER: frozenset({Role.LEAD}),
}


def project_role(membership: Membership, project: Project) -> str | None:
    """The member's effective role on the bid: lead for company owners and admins."""
    if role_can(membership.role, Action.SEE_ALL_PROJECTS):
        return Role.LEAD
    member = (
        ProjectMember.objects.filter(project=project, user_id=membership.user_id).order_by().first()
    )
    return member.role if member else None


def project_can(role: str | None, action: ProjectAction) -> bool:
    return role in PROJECT_PERMISSIONS[action]


def require_project(role: str | None, action: ProjectAction) -> None:
    if not project_can(role, action):
        raise PermissionDenied(f"Your role on this bid cannot {action}.")
