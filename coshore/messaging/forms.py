"""HTML forms of the messages pages. They parse and present input; the rules live in the
services, whose errors land on the form."""

from __future__ import annotations

from django import forms

from coshore.core.errors import DomainError

from .models import MAX_BODY


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Message",
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Write a message"}),
    )

    def add_domain_error(self, error: DomainError) -> None:
        field = "body" if (error.detail or {}).get("field") == "body" else None
        self.add_error(field, error.message)
