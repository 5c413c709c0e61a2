"""Markdown to safe HTML: what is kept, and real XSS payloads (OWASP filter-evasion cheat
sheet and friends) leaving nothing executable."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from coshore.feed import markup

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<div style="width: expression(alert(1))">x</div>',
    '<a href="javascript:alert(1)">raw link</a>',
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    '<a href="https://ok.example" onclick="alert(1)">click</a>',
    '"><script>alert(1)</script>',
    "<<script>script>alert(1)<</script>/script>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<style>@import 'https://xss.example/x.css';</style>",
    "<!--<img src=x onerror=alert(1)>-->",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](  javascript:alert(1) )",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;&#x61;&#x76;&#x61;script:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](//xss.example/x.js)",
    '[x](https://ok.example "a" onmouseover="alert(1)")',
    "![x](javascript:alert(1))",
    "![x](https://tracker.example/pixel.gif)",
    "<javascript:alert(1)>",
    "[x]: javascript:alert(1)\n\n[x]",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "@[<img src=x onerror=alert(1)>](user:1)",
    "@[x](user:1)<script>alert(1)</script>",
]

ALLOWED_ATTRS = {"a": {"href", "title", "rel", "class"}, "ol": {"start"}}
SAFE_PREFIXES = ("http://", "https://", "mailto:", "/", "#")


class _Checker(HTMLParser):
    """Collects every problem a browser could turn into script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in markup.ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name not in ALLOWED_ATTRS.get(tag, set()):
                self.problems.append(f"attribute {name} on <{tag}>")
            if name == "class" and value != "mention":
                self.problems.append(f"class {value!r}")
            if name == "href":
                url = "".join((value or "").split()).lower()
                if url.startswith("//") or not url.startswith(SAFE_PREFIXES):
                    self.problems.append(f"href {value!r}")


def problems_in(html: str) -> list[str]:
    checker = _Checker()
    checker.feed(html)
    checker.close()
    return checker.problems


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_nothing_executable_survives(payload: str) -> None:
    people = {"id:1": markup.Person(user_id=1, name='<b onmouseover="x">Ana</b>', url="/p/1/")}
    html = markup.render(payload, people=people)
    assert problems_in(html) == [], html
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<img" not in lowered
    assert "<iframe" not in lowered
    assert "<svg" not in lowered


def test_the_checker_itself_catches_what_it_must() -> None:
    assert problems_in('<img src=x onerror="a">') == [
        "tag <img>",
        "attribute src on <img>",
        "attribute onerror on <img>",
    ]
    assert problems_in('<a href="java\tscript:x">a</a>') == ["href 'java\\tscript:x'"]


def test_sanitizer_alone_strips_what_the_renderer_never_makes() -> None:
    dirty = (
        '<p onclick="x" style="color:red">hi <script>alert(1)</script>'
        '<a href="javascript:alert(1)" class="evil">a</a><img src=x onerror=alert(1)></p>'
    )
    clean = markup.sanitize(dirty)
    assert clean == '<p>hi <a class="" rel="nofollow noopener noreferrer">a</a></p>'


def test_markdown_basics_are_kept() -> None:
    html = markup.render(
        "# Title\n\n**bold** *it* ~~gone~~ `code`\n\n- one\n- two\n\n> quoted\n\n"
        "[site](https://example.org) www.example.com mail@example.org"
    )
    assert "<h3>Title</h3>" in html
    assert "<strong>bold</strong>" in html
    assert "<em>it</em>" in html
    assert "<s>gone</s>" in html or "<del>gone</del>" in html
    assert "<code>code</code>" in html
    assert "<ul>\n<li>one</li>" in html
    assert "<blockquote>" in html
    assert '<a href="https://example.org" rel="nofollow noopener noreferrer">site</a>' in html
    assert 'href="http://www.example.com"' in html
    assert 'href="mailto:mail@example.org"' in html


def test_images_are_links_not_embedded() -> None:
    html = markup.render("![cat](https://img.example/cat.png)")
    assert "<img" not in html
    assert (
        '<a href="https://img.example/cat.png" rel="nofollow noopener noreferrer">cat</a>' in html
    )


def test_raw_html_shows_as_text() -> None:
    assert markup.render("<b>hi</b>") == "<p>&lt;b&gt;hi&lt;/b&gt;</p>\n"


def test_mentions_are_found_once_in_order_outside_code_and_emails() -> None:
    refs = markup.extract_mentions(
        "Hi @[Noé Martin](user:7), @ana.lima and @ANA.LIMA; mail ana@example.org; "
        "`@incode` and @[Noé](user:7) again.\n\n    @indented"
    )
    assert [(r.user_id, r.handle) for r in refs] == [(7, ""), (None, "ana.lima")]


def test_resolved_mentions_link_unresolved_stay_text() -> None:
    people = {"id:7": markup.Person(user_id=7, name="Noé <Martin>", url="/accounts/people/7/")}
    html = markup.render("Thanks @[Noé](user:7) and @[Otto](user:9) and @bob!", people=people)
    assert html == (
        '<p>Thanks <a class="mention" href="/accounts/people/7/" '
        'rel="nofollow noopener noreferrer">@Noé &lt;Martin&gt;</a> and @Otto and @bob!</p>\n'
    )


def test_huge_and_pathological_input_renders_quickly() -> None:
    import time

    started = time.monotonic()
    for text in ["*" * 10_000, "[" * 10_000, "> " * 5000, "@" * 10_000, "`" * 10_000, "_a" * 5000]:
        markup.render(text)
    assert time.monotonic() - started < 5
