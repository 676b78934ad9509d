from typing import Any

from django import forms
from django.contrib import admin
from django.contrib import messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import render

from accounts import services
from accounts.forms import UserChangeForm
from accounts.forms import UserCreationForm
from accounts.models import ActivityLog
from accounts.models import ApiToken
from accounts.models import Company
from accounts.models import Invitation
from accounts.models import Membership
from accounts.models import Role
from accounts.models import User
from bidscript.exceptions import Conflict


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ("company",)
    readonly_fields = ("created_at",)


class TransferForm(forms.Form):
    source = forms.ModelChoiceField(Company.objects.all(), label="From company")
    target = forms.ModelChoiceField(Company.objects.all(), label="To company")
    new_owner = forms.ModelChoiceField(
        User.objects.all(), label="Hand what they own in the old company to"
    )
    role = forms.ChoiceField(
        choices=Role.choices, initial=Role.MEMBER, label="Role in the new company"
    )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "name", "is_staff", "is_active", "created_at")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("email", "name")
    readonly_fields = ("created_at", "updated_at", "last_login")
    inlines = (MembershipInline,)
    actions = ("transfer_to_company",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("name",)}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "created_at", "updated_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "name", "usable_password", "password1", "password2"),
            },
        ),
    )

    @admin.action(description="Transfer to another company…")
    def transfer_to_company(
        self, request: HttpRequest, queryset: QuerySet[User]
    ) -> HttpResponse | None:
        """Move one user between companies with ``user_transfer`` (all or nothing)."""
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one user to transfer.", messages.ERROR)
            return None
        user = queryset.get()
        form = TransferForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                services.user_transfer(user=user, actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
            except (ValidationError, Conflict) as error:
                self.message_user(request, f"Nothing was moved: {error}", messages.ERROR)
            else:
                self.message_user(request, f"{user} moved to {form.cleaned_data['target']}.")
                return None
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "user_to_move": user,
            "opts": self.opts,
        }
        return render(request, "admin/accounts/transfer.html", context)


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "created_at")
    list_filter = ("kind",)
    search_fields = ("name", "slug")
    readonly_fields = ("created_at", "updated_at")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "company", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__email", "company__name")
    autocomplete_fields = ("user", "company")
    list_select_related = ("user", "company")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "company", "role", "status", "expires_at", "accepted_at", "revoked_at")
    list_filter = ("role",)
    search_fields = ("email", "company__name")
    exclude = ("token_hash",)
    readonly_fields = ("sent_at", "accepted_at", "accepted_by", "created_at")
    list_select_related = ("company",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens can be inspected and revoked here; the secret (and its hash) is never shown."""

    list_display = ("name", "prefix", "user", "company", "last_used_at", "expires_at", "revoked_at")
    search_fields = ("name", "prefix", "user__email", "company__name")
    exclude = ("secret_hash",)
    readonly_fields = (
        "user",
        "company",
        "name",
        "prefix",
        "last_used_at",
        "expires_at",
        "created_at",
    )
    list_select_related = ("user", "company")
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # created by their owners, who see the secret once

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            services.token_revoke(token=token, actor=request.user)  # type: ignore[arg-type]


@admin.register(ActivityLog)
class ActivityLogAdmin(admin.ModelAdmin):
    """Read-only: the activity log is append-only."""

    list_display = ("created_at", "company", "actor", "action", "category", "severity", "ip")
    list_filter = ("category", "severity")
    search_fields = ("action", "actor__email", "company__name", "target_id")
    date_hierarchy = "created_at"
    list_select_related = ("company", "actor")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
