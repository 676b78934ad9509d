from datetime import datetime
from datetime import timedelta

from django import forms
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.utils import timezone

from accounts.models import ActivityLog
from accounts.models import Role
from accounts.models import User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")


class UserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("name",)
        labels = {"name": "Your name"}
        help_texts = {"name": "Shown to your colleagues on bids, drafts and the activity log."}


class CompanyNameForm(forms.Form):
    name = forms.CharField(max_length=150, label="Company name")


class CompanyDeleteForm(forms.Form):
    confirm = forms.CharField(label="Type the company's name to confirm")

    def __init__(self, *args: object, company_name: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.company_name = company_name

    def clean_confirm(self) -> str:
        confirm = str(self.cleaned_data["confirm"])
        if confirm != self.company_name:
            raise forms.ValidationError(f"Type “{self.company_name}” exactly to confirm.")
        return confirm


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class TokenForm(forms.Form):
    EXPIRY_CHOICES = [("30", "30 days"), ("90", "90 days"), ("365", "1 year"), ("", "Never")]

    name = forms.CharField(max_length=100, help_text="What the token is for, e.g. “CRM sync”.")
    expires_in = forms.ChoiceField(
        choices=EXPIRY_CHOICES, initial="90", required=False, label="Expires in"
    )

    def expires_at(self) -> datetime | None:
        days = self.cleaned_data.get("expires_in")
        return timezone.now() + timedelta(days=int(days)) if days else None


class ActivityFilterForm(forms.Form):
    category = forms.ChoiceField(
        choices=[("", "All categories"), *ActivityLog.Category.choices], required=False
    )
    severity = forms.ChoiceField(
        choices=[("", "All severities"), *ActivityLog.Severity.choices], required=False
    )
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
