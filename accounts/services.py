"""Writes and workflows for companies, memberships, invitations and API tokens.

Every service that changes a company writes an activity-log entry in the same transaction.
"""

import hashlib
import hmac
import secrets
from collections.abc import Callable
from collections.abc import Iterator
from datetime import datetime
from datetime import timedelta
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import connection
from django.db import transaction
from django.db.models import F
from django.db.models import Model
from django.utils import timezone
from django.utils.text import slugify

from accounts.audit import Category
from accounts.audit import Severity
from accounts.audit import activity_record
from accounts.models import ApiToken
from accounts.models import Company
from accounts.models import Invitation
from accounts.models import Membership
from accounts.models import Role
from accounts.models import User
from accounts.models import normalize_email
from bidscript.db import prepared_cursor
from bidscript.exceptions import Conflict

INVITATION_LIFETIME = timedelta(days=7)
TOKEN_PREFIX = "bs_"  # noqa: S105 - a marker, not a secret
# last_used_at is written at most this often per token, so API calls don't all write.
TOKEN_USAGE_RESOLUTION = timedelta(minutes=1)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# ------------------------------------------------------------------ Sign-in events


def signed_in(*, user: User) -> None:
    activity_record(company=None, actor=user, action="auth.signed_in", category=Category.AUTH)


def sign_in_failed(*, email: str) -> None:
    """Record a failed sign-in, against the account when the address belongs to one."""
    activity_record(
        company=None, actor=User.objects.filter(email=normalize_email(email)).first(),
        action="auth.sign_in_failed", category=Category.AUTH, severity=Severity.WARNING,
        details={"email": email},
    )  # fmt: skip


# ------------------------------------------------------------------ Companies


def company_touch(*, company_id: Any) -> None:
    """Mark the company's data as changed: cached reads keyed on its version go stale at once."""
    Company.objects.filter(pk=company_id).update(data_version=F("data_version") + 1)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:60] or "company"
    slug, n = base, 1
    while Company.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def company_create(*, name: str, owner: User, kind: str = Company.Kind.WORKSPACE) -> Company:
    """Create a company with ``owner`` as its first owner."""
    company = Company.objects.create(name=name.strip(), slug=_unique_slug(name), kind=kind)
    Membership.objects.create(user=owner, company=company, role=Role.OWNER)
    activity_record(
        company=company, actor=owner, action="company.created", category=Category.COMPANY,
        target=company, details={"name": company.name, "kind": kind},
    )  # fmt: skip
    return company


def company_create_personal(*, user: User) -> Company:
    """The personal company every user gets on sign-up."""
    name = f"{user.get_short_name()}'s workspace" if user.name else "Personal workspace"
    return company_create(name=name, owner=user, kind=Company.Kind.PERSONAL)


@transaction.atomic
def company_rename(*, company: Company, name: str, actor: User) -> Company:
    old_name, company.name = company.name, name.strip()
    company.full_clean(exclude=["slug"])
    company.save(update_fields=["name", "updated_at"])
    activity_record(
        company=company, actor=actor, action="company.renamed", category=Category.COMPANY,
        target=company, details={"from": old_name, "to": company.name},
    )  # fmt: skip
    return company


@transaction.atomic
def company_delete(*, company: Company, actor: User) -> None:
    """Delete a workspace and everything it owns. A personal company cannot be deleted."""
    if company.kind == Company.Kind.PERSONAL:
        raise Conflict("A personal workspace cannot be deleted; it is removed with the account.")
    activity_record(
        company=None, actor=actor, action="company.deleted", category=Category.COMPANY,
        severity=Severity.CRITICAL, details={"company_id": str(company.pk), "name": company.name},
    )  # fmt: skip
    company.delete()


# ------------------------------------------------------------------ Memberships


def _other_owners(membership: Membership) -> bool:
    return (
        Membership.objects.filter(company_id=membership.company_id, role=Role.OWNER)
        .exclude(pk=membership.pk)
        .exists()
    )


def _guard_last_owner(membership: Membership, verb: str) -> None:
    if membership.role == Role.OWNER and not _other_owners(membership):
        raise Conflict(
            f"You cannot {verb} the last owner of {membership.company}. "
            "Make another member an owner first."
        )


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, actor: User) -> Membership:
    """Change a member's role; the last owner cannot be demoted (409)."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if role == membership.role:
        return membership
    if role != Role.OWNER:
        _guard_last_owner(membership, "demote")
    old_role, membership.role = membership.role, role
    membership.full_clean()
    membership.save(update_fields=["role", "updated_at"])
    activity_record(
        company=membership.company, actor=actor, action="member.role_changed",
        category=Category.MEMBERSHIP, target=membership.user,
        severity=Severity.WARNING if Role.OWNER in (old_role, role) else Severity.INFO,
        details={"email": membership.user.email, "from": old_role, "to": role},
    )  # fmt: skip
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> None:
    """Remove a member (or let them leave); the last owner cannot go (409)."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    _guard_last_owner(membership, "remove" if actor != membership.user else "let leave")
    ApiToken.objects.filter(
        user=membership.user, company=membership.company, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    membership.delete()
    activity_record(
        company=membership.company, actor=actor,
        action="member.left" if actor == membership.user else "member.removed",
        category=Category.MEMBERSHIP, target=membership.user,
        details={"email": membership.user.email, "role": membership.role},
    )  # fmt: skip


# Later apps hand over what a departing user owns (bids, conversations …): each hook is
# called as hook(user=…, company=…, new_owner=…) inside the transfer's transaction.
OwnershipHook = Callable[..., int]
OWNERSHIP_HOOKS: list[OwnershipHook] = []


def register_ownership_hook(hook: OwnershipHook) -> OwnershipHook:
    OWNERSHIP_HOOKS.append(hook)
    return hook


@transaction.atomic
def user_transfer(
    *, user: User, source: Company, target: Company, new_owner: User, role: str, actor: User
) -> Membership:
    """Move ``user`` from ``source`` to ``target`` in one transaction.

    What the user owned in ``source`` passes to ``new_owner`` (a member of ``source``), their
    tokens there are revoked, and both companies' activity logs record the move. Any failure
    undoes all of it.
    """
    leaving = Membership.objects.select_for_update().get(user=user, company=source)
    if not Membership.objects.filter(user=new_owner, company=source).exclude(user=user).exists():
        raise ValidationError({"new_owner": "The new owner must be another member of the company."})
    if Membership.objects.filter(user=user, company=target).exists():
        raise Conflict(f"{user} is already a member of {target}.")
    _guard_last_owner(leaving, "transfer")
    moved = {
        hook.__qualname__: hook(user=user, company=source, new_owner=new_owner)
        for hook in OWNERSHIP_HOOKS
    }
    revoked = ApiToken.objects.filter(user=user, company=source, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    leaving.delete()
    joined = Membership.objects.create(user=user, company=target, role=role)
    details = {
        "email": user.email, "from": str(source.pk), "to": str(target.pk),
        "new_owner": new_owner.email, "moved": moved, "tokens_revoked": revoked,
    }  # fmt: skip
    for company in (source, target):
        activity_record(
            company=company, actor=actor, action="member.transferred",
            category=Category.MEMBERSHIP, severity=Severity.WARNING, target=user, details=details,
        )  # fmt: skip
    return joined


# ------------------------------------------------------------------ Invitations


def _invitation_token(invitation: Invitation) -> str:
    token = secrets.token_urlsafe(32)
    invitation.token_hash = _digest(token)
    invitation.sent_at = timezone.now()
    invitation.expires_at = invitation.sent_at + INVITATION_LIFETIME
    return token


@transaction.atomic
def invitation_create(
    *, company: Company, email: str, role: str, invited_by: User
) -> tuple[Invitation, str]:
    """Invite ``email``; return the invitation and its one-time token (only ever shown now)."""
    email = normalize_email(email)
    if Membership.objects.filter(company=company, user__email=email).exists():
        raise ValidationError({"email": f"{email} is already a member of {company}."})
    if Invitation.objects.filter(
        company=company, email=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).exists():
        raise ValidationError(
            {"email": f"{email} already has an open invitation; resend or revoke it instead."}
        )
    invitation = Invitation(company=company, email=email, role=role, invited_by=invited_by)
    token = _invitation_token(invitation)
    invitation.full_clean()
    invitation.save()
    activity_record(
        company=company, actor=invited_by, action="invitation.created",
        category=Category.MEMBERSHIP, target=invitation, details={"email": email, "role": role},
    )  # fmt: skip
    return invitation, token


def _open_invitation(invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at:
        raise Conflict(f"This invitation was already {invitation.status}.")
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: User) -> tuple[Invitation, str]:
    """Issue a fresh token (the old link stops working) with a new 7-day expiry."""
    invitation = _open_invitation(invitation)
    token = _invitation_token(invitation)
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at", "updated_at"])
    activity_record(
        company=invitation.company, actor=actor, action="invitation.resent",
        category=Category.MEMBERSHIP, target=invitation, details={"email": invitation.email},
    )  # fmt: skip
    return invitation, token


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> Invitation:
    invitation = _open_invitation(invitation)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    activity_record(
        company=invitation.company, actor=actor, action="invitation.revoked",
        category=Category.MEMBERSHIP, target=invitation, details={"email": invitation.email},
    )  # fmt: skip
    return invitation


def invitation_send(*, invitation: Invitation, accept_url: str) -> None:
    """Email the invitation link (the token is only in the link, never stored in clear)."""
    inviter = invitation.invited_by.get_full_name() if invitation.invited_by else "A colleague"
    send_mail(
        subject=f"[BidScript] {inviter} invited you to {invitation.company}",
        message=(
            f"{inviter} invited you to join {invitation.company} on BidScript as "
            f"{invitation.get_role_display().lower()}.\n\nAccept the invitation (valid until "
            f"{invitation.expires_at:%d %B %Y %H:%M %Z}):\n{accept_url}\n\n"
            "If you don't have a BidScript account yet, sign up with this email address first.\n"
        ),
        from_email=None,
        recipient_list=[invitation.email],
    )


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link's token belongs to (in any state), or None."""
    return (
        Invitation.objects.select_related("company", "invited_by")
        .filter(token_hash=_digest(token))
        .first()
    )


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    """Join the invitation's company. The link works once, before expiry, for its own email."""
    found = invitation_for_token(token)
    if found is None:
        raise ValidationError("This invitation link is not valid. Ask for a new invitation.")
    invitation = _open_invitation(found)
    if invitation.expires_at <= timezone.now():
        raise ValidationError("This invitation has expired. Ask an admin to resend it.")
    if normalize_email(user.email) != invitation.email:
        raise ValidationError(
            f"This invitation was sent to {invitation.email}; sign in with that address to accept it."
        )
    if Membership.objects.filter(user=user, company=invitation.company).exists():
        raise Conflict(f"You are already a member of {invitation.company}.")
    membership = Membership.objects.create(
        user=user, company=invitation.company, role=invitation.role
    )
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    activity_record(
        company=invitation.company, actor=user, action="invitation.accepted",
        category=Category.MEMBERSHIP, target=invitation,
        details={"email": user.email, "role": invitation.role},
    )  # fmt: skip
    return membership


# ------------------------------------------------------------------ API tokens


@transaction.atomic
def token_create(
    *, user: User, company: Company, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token; return it and its secret, which is shown once and never stored."""
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    prefix = secrets.token_hex(5)
    secret = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        user=user, company=company, name=name.strip(), prefix=prefix,
        secret_hash=_digest(secret), expires_at=expires_at,
    )  # fmt: skip
    token.full_clean()
    token.save()
    activity_record(
        company=company, actor=user, action="token.created", category=Category.TOKEN,
        target=token, details={"name": token.name, "prefix": prefix},
    )  # fmt: skip
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        activity_record(
            company=token.company, actor=actor, action="token.revoked", category=Category.TOKEN,
            target=token, details={"name": token.name, "prefix": token.prefix},
        )  # fmt: skip
    return token


# The token, its user and company, and the user's membership there: the tables joined, in order.
_TOKEN_JOIN = ((ApiToken, "t"), (User, "u"), (Company, "c"), (Membership, "m"))


@cache
def _token_sql() -> str:
    columns = ", ".join(
        f'{alias}."{field.column}"'
        for model, alias in _TOKEN_JOIN
        for field in model._meta.concrete_fields
    )
    tables = {alias: model._meta.db_table for model, alias in _TOKEN_JOIN}
    return f"""
        SELECT {columns} FROM "{tables["t"]}" t
        JOIN "{tables["u"]}" u ON u.id = t.user_id
        JOIN "{tables["c"]}" c ON c.id = t.company_id
        LEFT JOIN "{tables["m"]}" m ON m.user_id = t.user_id AND m.company_id = t.company_id
        WHERE t.prefix = %s
    """  # noqa: S608 - table and column names from the models, the prefix is a parameter


def _token_by_prefix(prefix: str) -> ApiToken | None:
    """The token with ``prefix``, its user and company loaded, and ``membership`` set (None when
    the user is no longer in the company). One hand-written query: this runs on every API call,
    and composing the same join through the ORM took four times as long (bench/bid_list.py).
    None of these models' columns needs a database converter, so rows load with ``from_db``, and
    the statement is prepared, so PostgreSQL plans the join once per connection.
    """
    with prepared_cursor() as cursor:
        cursor.execute(_token_sql(), [prefix])
        row = cursor.fetchone()
    if row is None:
        return None
    values = iter(row)
    token, user, company = _load(ApiToken, values), _load(User, values), _load(Company, values)
    token.user, token.company = user, company
    membership = _load(Membership, values)
    if membership.pk is not None:  # the LEFT JOIN found the user still in the company
        membership.user, membership.company = user, company
        token.membership = membership
    return token


def _load[M: Model](model: type[M], values: Iterator[Any]) -> M:
    """The next row of ``model``'s columns from a joined row."""
    fields = model._meta.concrete_fields
    return model.from_db(
        connection.alias, [f.attname for f in fields], [next(values) for _ in fields]
    )


def token_authenticate(secret: str) -> ApiToken | None:
    """The active token for a presented secret whose user still belongs to its company."""
    prefix = secret.removeprefix(TOKEN_PREFIX).split("_", 1)[0]
    if not secret.startswith(TOKEN_PREFIX) or not prefix:
        return None
    token = _token_by_prefix(prefix)
    if token is None or not hmac.compare_digest(token.secret_hash, _digest(secret)):
        return None
    if not token.is_active or not token.user.is_active or token.membership is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOKEN_USAGE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
