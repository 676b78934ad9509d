"""What each company role may do: the one place the permission matrix lives.

The README's permission table is generated from ``PERMISSIONS`` (see ``permission_matrix``).
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied

from accounts.models import Membership
from accounts.models import Role


class Action(StrEnum):
    VIEW_COMPANY = "view company and members"
    RENAME_COMPANY = "rename company"
    DELETE_COMPANY = "delete company"
    INVITE_MEMBERS = "invite members, resend and revoke invitations"
    CHANGE_ROLES = "change members' roles"
    REMOVE_MEMBERS = "remove members"
    MANAGE_OWNERS = "make or unmake owners"
    CREATE_PROJECTS = "create bids"
    SEE_ALL_PROJECTS = "see and lead every bid"
    PURGE_PROJECTS = "delete bids permanently"
    MANAGE_LIBRARY = "upload and manage company library documents"
    VIEW_ACTIVITY = "view the activity log"
    SEARCH_USERS = "search users"
    USE_API_TOKENS = "create and revoke own API tokens"


_EVERYONE = frozenset(Role)
_MANAGERS = frozenset({Role.OWNER, Role.ADMIN})

PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.VIEW_COMPANY: _EVERYONE,
    Action.RENAME_COMPANY: _MANAGERS,
    Action.DELETE_COMPANY: frozenset({Role.OWNER}),
    Action.INVITE_MEMBERS: _MANAGERS,
    Action.CHANGE_ROLES: _MANAGERS,
    Action.REMOVE_MEMBERS: _MANAGERS,
    Action.MANAGE_OWNERS: frozenset({Role.OWNER}),
    Action.CREATE_PROJECTS: frozenset({Role.OWNER, Role.ADMIN, Role.MEMBER}),
    Action.SEE_ALL_PROJECTS: _MANAGERS,
    Action.PURGE_PROJECTS: _MANAGERS,
    Action.MANAGE_LIBRARY: frozenset({Role.OWNER, Role.ADMIN, Role.MEMBER}),
    Action.VIEW_ACTIVITY: _MANAGERS,
    Action.SEARCH_USERS: _MANAGERS,
    Action.USE_API_TOKENS: _EVERYONE,
}


def role_can(role: str, action: Action) -> bool:
    return role in PERMISSIONS[action]


def require(membership: Membership, action: Action) -> None:
    """Raise PermissionDenied (403) unless the member's role allows the action."""
    if not role_can(membership.role, action):
        raise PermissionDenied(f"Your role ({membership.get_role_display()}) cannot {action}.")


def permission_matrix() -> list[tuple[str, list[bool]]]:
    """Rows of (action, allowed per role in Role order), for the docs page."""
    return [
        (str(action), [role in roles for role in Role]) for action, roles in PERMISSIONS.items()
    ]
