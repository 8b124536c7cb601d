"""Idea bodies: Markdown shown as formatted text; HTML typed in a body shown as text, never run."""

from __future__ import annotations

from ideas.markdown import render


def test_html_typed_in_a_body_shows_as_text() -> None:
    body = (
        "<script>alert(1)</script> <img src=x onerror=alert(1)>\n\n"
        "<div onclick=x>\nblock\n</div>\n\n<!-- note --> a < b"
    )
    html = render(body)
    assert "<script" not in html and "<img" not in html and "<div" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;div onclick=x&gt;" in html and "&lt;!-- note --&gt; a &lt; b" in html
    # a `<` escaped the Markdown way shows without its backslash; an escaped backslash does
    # not make the tag after it live
    assert render("\\<b> and \\\\<script>") == "<p>&lt;b&gt; and \\&lt;script&gt;</p>\n"


def test_only_web_and_mail_links_keep_their_target() -> None:
    html = render(
        "[ok](https://doan.vn/y-tuong) [js](javascript:alert(1)) [data](data:text/html,x) "
        "<javascript:alert(1)> <https://doan.vn> <ban@doan.vn>"
    )
    assert "javascript:alert(1)</a>" in html  # the autolink's text, with no target
    assert 'href="javascript' not in html and 'href="data' not in html
    assert '<a href="https://doan.vn/y-tuong" rel="nofollow noopener">ok</a>' in html
    assert '<a rel="nofollow noopener">js</a>' in html
    assert 'href="https://doan.vn"' in html and 'href="mailto:ban@doan.vn"' in html


def test_markdown_formatting_and_code_stay_as_written() -> None:
    html = render(
        "## Giải pháp\n\n- **số hóa** ~~giấy~~\n\n`<b>` and\n\n```\n<script>x</script>\n```\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "<h2>Giải pháp</h2>" in html and "<strong>số hóa</strong>" in html
    assert "<del>giấy</del>" in html and "<td>1</td>" in html
    assert "<code>&lt;b&gt;</code>" in html
    assert "<pre><code>&lt;script&gt;x&lt;/script&gt;\n</code></pre>" in html
