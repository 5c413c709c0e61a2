"""HTML forms of the feed pages. They parse and present input; the rules live in the
services, whose errors land on the field their `detail` names, else on the form."""

from __future__ import annotations

from django import forms

from coshore.core.errors import DomainError

from .models import ReportReason
from .services import MAX_COMMENT_BODY, MAX_NOTE, MAX_POST_BODY, MAX_REASON


class _DomainErrors:
    def add_domain_error(self, error: DomainError) -> None:
        form: forms.Form = self  # type: ignore[assignment]
        named = str((error.detail or {}).get("field", ""))
        form.add_error(named if named in form.fields else None, error.message)


class PostForm(_DomainErrors, forms.Form):
    body = forms.CharField(
        label="Share an update",
        max_length=MAX_POST_BODY,
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "placeholder": "What are you working on? Mention someone with @",
                "data-mention": "",
            }
        ),
    )


class CommentForm(_DomainErrors, forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=MAX_COMMENT_BODY,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": "Write a comment…", "data-mention": ""}
        ),
    )


class HideForm(_DomainErrors, forms.Form):
    reason = forms.CharField(label="Reason", max_length=MAX_REASON)


class ReportForm(_DomainErrors, forms.Form):
    reason = forms.ChoiceField(label="What is wrong?", choices=ReportReason.choices)
    note = forms.CharField(
        label="Anything the moderators should know (optional)",
        max_length=MAX_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
