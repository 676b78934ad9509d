from typing import Any

from django import forms

from accounts.models import Membership
from documents.models import Document
from documents.search import MAX_PAGE
from projects.models import Project


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; empty ones pass here so the upload checks can explain them."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.pptx,.txt,.md,.csv"})
        )
        super().__init__(allow_empty_file=True, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


def _set_bid_choices(
    form: forms.Form, membership: Membership, first: list[tuple[str, str]], label: str
) -> None:
    """Fill the form's "project" choices with the bids the member can see."""
    bids = Project.objects.visible_to(membership).alive().order_by("name").values_list("pk", "name")
    field = form.fields["project"]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - every caller declares it so
    field.choices = [*first, *((str(pk), label.format(name)) for pk, name in bids)]


class UploadForm(forms.Form):
    files = MultipleFileField(  # type: ignore[assignment] # the field is named like the API's
        label="Files",
        help_text="PDF, Word, Excel, PowerPoint, text, Markdown or CSV; up to 50 MB each.",
    )
    label = forms.ChoiceField(choices=Document.Label.choices)

    def __init__(self, *args: Any, project: Project | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["label"].initial = Document.default_label(project)


class DocumentEditForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ("title", "label")


class LibraryFilterForm(forms.Form):
    search = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Title or file name"}),
    )
    project = forms.ChoiceField(required=False, label="Where")
    label = forms.ChoiceField(choices=[("", "Any label"), *Document.Label.choices], required=False)
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Document.Status.choices], required=False
    )
    trashed = forms.BooleanField(required=False, label="Show the trash")

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_bid_choices(
            self, membership, [("", "Everywhere"), ("library", "Company library")], "{}"
        )

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            key: data.get(key) or default
            for key, default in (
                ("search", ""),
                ("project", ""),
                ("label", ""),
                ("status", ""),
                ("trashed", False),
            )
        }


class SearchForm(forms.Form):
    q = forms.CharField(
        max_length=1000,
        label="Search your evidence",
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "e.g. apprenticeships for local people",
                "autofocus": True,
            }
        ),
    )
    project = forms.ChoiceField(required=False, label="Bid")
    label = forms.ChoiceField(choices=[("", "Any label"), *Document.Label.choices], required=False)
    mode = forms.ChoiceField(
        choices=[("hybrid", "Hybrid"), ("dense", "Meaning only"), ("keyword", "Keywords only")],
        required=False,
    )
    group = forms.BooleanField(required=False, label="One result per document")
    page = forms.IntegerField(
        min_value=1, max_value=MAX_PAGE, required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_bid_choices(self, membership, [("", "All documents")], "{} + library")

    def search_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "query": data["q"],
            "project": data.get("project") or None,
            "labels": [data["label"]] if data.get("label") else None,
            "mode": data.get("mode") or "hybrid",
            "group_by_document": data.get("group", False),
            "page": data.get("page") or 1,
        }
