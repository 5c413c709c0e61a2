"""Markdown of feed posts and comments, rendered to HTML that is safe to show as it is, and the
mentions in it. Pure: no database; the services resolve mentions and store the HTML.

Rendering: CommonMark (`markdown-it-py`) with strikethrough and bare links (linkify); raw HTML
in the text is never passed through (`html=False`: it shows as text); headings are moved down
two levels (`#` is an `<h3>`) so a post never outranks the page; images are not embedded (a
remote image is a tracking pixel and a layout hazard: `![alt](url)` shows as a link).
The HTML is then sanitised by `nh3` (the Ammonia sanitiser) with a small allow-list: no
element or attribute can run script, links keep only http, https, mailto and site-relative
URLs, and every link gets `rel="nofollow noopener noreferrer"`.

Mentions: `@[Name](user:42)` (what the form's autocomplete inserts) or a plain handle,
`@ana.lima` (display name with dots for spaces) or the local part of an email address
(`@ana`). Mentions inside code are not mentions. A mention the caller could not resolve
renders as plain text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "del",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_CLASSES = {"a": {"mention"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener noreferrer"

MAX_MENTIONS = 50
_TOKEN = re.compile(r"@\[([^\[\]\n]{1,120})\]\(user:([1-9][0-9]{0,17})\)")
_HANDLE = re.compile(r"@([A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?)")
_WORDISH = re.compile(r"[\w.+-]")


@dataclass(frozen=True)
class MentionRef:
    """A mention as written: by id (`user_id`) or by handle (`handle`, lower case)."""

    user_id: int | None
    handle: str
    label: str

    @property
    def key(self) -> str:
        return f"id:{self.user_id}" if self.user_id is not None else f"handle:{self.handle}"


@dataclass(frozen=True)
class Person:
    """A resolved mention: shown as `@name`, linked to `url`."""

    user_id: int
    name: str
    url: str


def _mention_rule(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    src = state.src
    if src[pos] != "@":
        return False
    if pos > 0 and _WORDISH.match(src[pos - 1]):
        return False  # an email address, not a mention
    match = _TOKEN.match(src, pos)
    if match is not None:
        ref = MentionRef(user_id=int(match.group(2)), handle="", label=match.group(1).strip())
    else:
        match = _HANDLE.match(src, pos)
        if match is None:
            return False
        handle = match.group(1)
        ref = MentionRef(user_id=None, handle=handle.lower(), label=handle)
    if not silent:
        token = state.push("mention", "", 0)
        token.meta = {"ref": ref}
    state.pos = match.end()
    return True


def _render_mention(
    self: Any, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    ref: MentionRef = tokens[idx].meta["ref"]
    person: Person | None = env.get("people", {}).get(ref.key)
    if person is None:
        return escape(f"@{ref.label}")
    return f'<a class="mention" href="{escape(person.url)}">@{escape(person.name)}</a>'


def _validate_link(url: str) -> bool:
    """Links go to the web, to an address or to a page of this site; anything else (a
    `javascript:` or `data:` URL however disguised, a bare relative path) stays text."""
    lowered = url.strip().lower()
    if lowered.startswith("//"):
        return False
    return lowered.startswith(("http://", "https://", "mailto:", "/", "#"))


def _build() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.validateLink = _validate_link  # type: ignore[method-assign]
    md.enable(["linkify", "strikethrough"])
    md.disable("image")
    md.inline.ruler.after("text", "mention", _mention_rule)
    md.add_render_rule("mention", _render_mention)
    return md


_MD = _build()


def _inline_mentions(tokens: list[Token]) -> list[MentionRef]:
    refs: list[MentionRef] = []
    for token in tokens:
        if token.type == "mention":
            refs.append(token.meta["ref"])
        if token.children:
            refs.extend(_inline_mentions(token.children))
    return refs


def extract_mentions(text: str) -> list[MentionRef]:
    """The mentions in `text` in order, each once (by key), at most `MAX_MENTIONS`."""
    seen: dict[str, MentionRef] = {}
    for ref in _inline_mentions(_MD.parse(text, {})):
        seen.setdefault(ref.key, ref)
        if len(seen) >= MAX_MENTIONS:
            break
    return list(seen.values())


def sanitize(html: str) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes (defence in depth: the
    Markdown renderer already escapes raw HTML)."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
        clean_content_tags={"script", "style"},
    )


def render(text: str, *, people: Mapping[str, Person] | None = None) -> str:
    """`text` (Markdown) as sanitised HTML; `people` maps `MentionRef.key` to the resolved
    person (unresolved mentions stay text)."""
    env: dict[str, Any] = {"people": dict(people or {})}
    tokens = _MD.parse(text, env)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + 2)}"
    html = _MD.renderer.render(tokens, _MD.options, env)
    return sanitize(html)
