"""Nothing a writer types can run script in a reader's browser."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from blog.models import Post

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">ent</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[data](data:text/html,<script>alert(1)</script>)",
    "![img](javascript:alert(1))",
    '![img](x" onerror="alert(1))',
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<div style="background:url(javascript:alert(1))">styled</div>',
    '<p style="color:red">red</p>',
    "<style>body{display:none}</style>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel=stylesheet href="javascript:alert(1)">',
    '<a href="#" onclick="alert(1)">hi</a>',
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '"><script>alert(1)</script>',
    '<video><source onerror="alert(1)"></video>',
    '<a href=" javascript:alert(1)">space</a>',
]
FORBIDDEN_TAGS = {
    "script", "iframe", "svg", "math", "style", "object", "embed", "base", "meta", "link",
    "video", "source", "input", "details", "body",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "data", "formaction", "srcdoc"}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.found.append((tag, attrs))


def _dangers(html: str, *, after: str = "<main") -> list[str]:
    parser = _Tags()
    parser.feed(html.split(after, 1)[1])
    dangers = []
    for tag, attrs in parser.found:
        if tag in FORBIDDEN_TAGS:
            dangers.append(f"<{tag}>")
        for name, value in attrs:
            url = "".join((value or "").split()).lower()
            if name.startswith("on") or name == "style":
                dangers.append(f"{tag} {name}=")
            if name in URL_ATTRIBUTES and url.startswith(("javascript:", "data:", "vbscript:")):
                dangers.append(f"{tag} {name}={value}")
    return dangers


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_survives_in_the_title_or_body_of_a_rendered_post(author_client, payload):
    response = author_client.post(
        reverse("blog:post_create"),
        {
            "title": f"Title {payload}"[:200],
            "body": f"Before\n\n{payload}\n\nafter",
            "action": "publish",
        },
    )
    assert response.status_code == 302
    post = Post.objects.get()

    preview = author_client.post(
        reverse("blog:post_edit", args=[post.slug]),
        {"title": post.title, "body": post.body, "action": "preview"},
    ).content.decode()

    assert _dangers(Client().get(post.get_absolute_url()).content.decode()) == []
    assert _dangers(Client().get(reverse("blog:post_list")).content.decode()) == []
    # The editing form itself is ours; what the writer typed shows in the preview below it.
    assert _dangers(preview, after='aria-label="Preview"') == []


def test_the_corpus_is_large_enough_to_mean_something():
    assert len(PAYLOADS) >= 30
