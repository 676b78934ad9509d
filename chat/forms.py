from typing import Any

from django import forms

from accounts.models import Membership
from chat.models import Conversation
from chat.selectors import pickable_documents
from documents.models import Document
from projects.models import Project


class NewConversationForm(forms.Form):
    project = forms.ModelChoiceField(
        queryset=Project.objects.none(), required=False, label="Scope",
        empty_label="All documents I can see",
    )  # fmt: skip

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bids = Project.objects.visible_to(membership).alive().order_by("name")
        self.fields["project"].queryset = bids  # type: ignore[attr-defined]
        self.fields["project"].label_from_instance = lambda bid: f"Bid: {bid.name} + library"  # type: ignore[attr-defined]


class RenameForm(forms.Form):
    title = forms.CharField(max_length=200)


class AskForm(forms.Form):
    content = forms.CharField(
        max_length=4000, label="Your question",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Ask about your documents…"}),
    )  # fmt: skip
    documents = forms.ModelMultipleChoiceField(
        queryset=Document.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Only from these documents", help_text="Leave empty to search them all.",
    )  # fmt: skip

    def __init__(
        self, *args: Any, membership: Membership, conversation: Conversation, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        documents = pickable_documents(membership=membership, conversation=conversation)
        self.fields["documents"].queryset = documents  # type: ignore[attr-defined]
