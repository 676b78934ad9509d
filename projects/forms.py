import uuid
from typing import Any

from django import forms
from django.utils.formats import date_format

from accounts.models import Membership
from accounts.models import User
from accounts.selectors import member_list
from projects import selectors
from projects.models import Project
from projects.models import ProjectMember
from projects.models import Theme


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ("name", "client_name", "reference", "description", "due_at", "value", "currency")
        widgets = {
            "due_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "description": forms.Textarea(attrs={"rows": 4}),
            "currency": forms.TextInput(attrs={"maxlength": 3, "size": 4, "pattern": "[A-Z]{3}"}),
        }
        help_texts = {
            "reference": "The buyer's reference for the tender, e.g. ITT-2026-014.",
            "due_at": "When the response must be submitted.",
            "currency": "Three letters, e.g. GBP, EUR, USD.",
        }

    keep_past_due = forms.BooleanField(
        required=False, label="Keep this due date although it has passed"
    )
    field_order = ("name", "client_name", "reference", "description", "due_at", "keep_past_due")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Shown only once a passed due date was entered: then it must be confirmed.
        self.asks_to_keep_past_due = False

    def clean_currency(self) -> str:
        return str(self.cleaned_data["currency"]).upper()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        due_at = cleaned.get("due_at")
        entered = "due_at" in self.changed_data
        if entered and due_at and Project.date_passed(due_at) and not cleaned.get("keep_past_due"):
            self.asks_to_keep_past_due = True
            self.add_error(
                "due_at",
                f"This date has passed ({date_format(due_at, 'j F Y, H:i')}). Correct it, or "
                "tick “Keep this due date although it has passed” to save it anyway.",
            )
        return cleaned

    def bid_fields(self) -> dict[str, Any]:
        """The bid's own fields, for the services (not the confirmation)."""
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


def _member_choices(membership: Membership) -> list[tuple[str, str]]:
    return [
        (str(member.user_id), member.user.name or member.user.email)
        for member in member_list(membership=membership)
    ]


class CompanyUserField(forms.ModelChoiceField):
    """A colleague: any member of the current company (others are not valid choices)."""

    def __init__(self, membership: Membership, **kwargs: object) -> None:
        users = User.objects.filter(memberships__company_id=membership.company_id).order_by("email")
        super().__init__(queryset=users, **kwargs)  # type: ignore[arg-type]

    def label_from_instance(self, obj: User) -> str:
        return obj.name or obj.email


class ProjectFilterForm(forms.Form):
    search = forms.CharField(
        required=False,
        label="Search",
        widget=forms.TextInput(attrs={"placeholder": "Name or client", "type": "search"}),
    )
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Project.Status.choices], required=False
    )
    owner = forms.ChoiceField(required=False)
    due_from = forms.DateField(
        required=False, label="Due from", widget=forms.DateInput(attrs={"type": "date"})
    )
    due_to = forms.DateField(
        required=False, label="Due until", widget=forms.DateInput(attrs={"type": "date"})
    )
    ordering = forms.ChoiceField(
        choices=[(key, label) for key, (label, _) in selectors.ORDERINGS.items()],
        required=False,
        label="Sort by",
    )

    def __init__(self, *args: object, membership: Membership, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["owner"].choices = [("", "Any owner"), *_member_choices(membership)]  # type: ignore[attr-defined]

    def filters(self) -> selectors.ProjectFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return selectors.ProjectFilters(
            search=data.get("search", "").strip(),
            status=data.get("status", ""),
            owner=uuid.UUID(data["owner"]) if data.get("owner") else None,
            due_from=data.get("due_from"),
            due_to=data.get("due_to"),
            ordering=data.get("ordering") or "-created_at",
        )


class MemberForm(forms.Form):
    role = forms.ChoiceField(choices=ProjectMember.Role.choices, initial=ProjectMember.Role.WRITER)

    def __init__(self, *args: object, membership: Membership, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields = {"user": CompanyUserField(membership, label="Colleague"), **self.fields}


class TransferForm(forms.Form):
    def __init__(self, *args: object, membership: Membership, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["owner"] = CompanyUserField(membership, label="New owner")


class ThemeForm(forms.ModelForm):
    class Meta:
        model = Theme
        fields = ("title", "description")
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class PurgeForm(forms.Form):
    confirm = forms.CharField(label="Type the bid's name to confirm")

    def __init__(self, *args: object, project_name: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.project_name = project_name

    def clean_confirm(self) -> str:
        if self.cleaned_data["confirm"] != self.project_name:
            raise forms.ValidationError(f"Type “{self.project_name}” exactly to confirm.")
        return str(self.cleaned_data["confirm"])
