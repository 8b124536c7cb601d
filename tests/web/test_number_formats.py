"""Numbers, percentages, durations and counted nouns are written as the page's language
writes them: Vietnamese uses "," for decimals and "." between thousands, has one plural
form; English says "1 member", "2 members"."""

from __future__ import annotations

import contextvars
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx2
import pytest

from tests import factories
from web import i18n
from web.templating import TEMPLATE_DIR, env


def render_in(lang: str, source: str, **context: Any) -> str:
    """`source` rendered in `lang`, in a copied context so no other test sees the language."""

    def run() -> str:
        i18n.set_language(lang)
        return env.from_string(source).render(**context)

    return contextvars.copy_context().run(run)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("vi", "1.234,5 | 376,0 | 83,3% | 376,0 giây | 12,35 | 1.234.567"),
        ("en", "1,234.5 | 376.0 | 83.3% | 376.0 sec | 12.35 | 1,234,567"),
    ],
)
def test_number_filters_follow_the_language(lang: str, expected: str) -> None:
    source = (
        "{{ 1234.5|number }} | {{ 376|number(1) }} | {{ 0.8333|percent }} | "
        "{{ 376.04|seconds }} | {{ 12.3456|number(2) }} | {{ 1234567.4|number(0) }}"
    )
    assert render_in(lang, source) == expected
    assert render_in(lang, "{{ none|number }}{{ none|percent }}{{ none|seconds }}") == ""


def test_the_ranking_table_writes_scores_in_the_language() -> None:
    row = SimpleNamespace(
        rank=1,
        idea=SimpleNamespace(title="Sổ tay số"),
        score=83.333,
        result=SimpleNamespace(reviews=3, raw_spread=1.5, raw_mean=83.333, norm_mean=0.25),
        raw_rank=1,
        normalised_rank=1,
    )
    view = SimpleNamespace(rows=[row], basis="raw")
    source = '{% include "judging/_ranking_table.html" %}'
    vi = render_in("vi", source, view=view)
    assert "<strong>83,33</strong>" in vi and "1,50" in vi and "0,25 (1)" in vi
    en = render_in("en", source, view=view)
    assert "<strong>83.33</strong>" in en and "1.50" in en and "0.25 (1)" in en


def test_vietnamese_has_one_plural_form_and_english_two() -> None:
    def both(lang: str, n: int) -> str:
        return render_in(lang, '{{ ngettext("%(num)s question", "%(num)s questions", n) }}', n=n)

    assert both("en", 1) == "1 question"
    assert both("en", 2) == "2 questions"
    assert both("vi", 1) == "1 câu hỏi"
    assert both("vi", 2) == "2 câu hỏi"


_NGETTEXT = re.compile(r'ngettext\(\s*"((?:[^"\\]|\\.)*)"\s*,\s*"((?:[^"\\]|\\.)*)"')


def test_every_counted_phrase_of_the_templates_has_its_vietnamese_form() -> None:
    catalog: dict[Any, str] = i18n.translations("vi")._catalog
    used = {
        (singular, path.relative_to(TEMPLATE_DIR).as_posix())
        for path in Path(TEMPLATE_DIR).rglob("*.html")
        for singular, _plural in _NGETTEXT.findall(path.read_text(encoding="utf-8"))
    }
    assert used
    missing = sorted((path, singular) for singular, path in used if (singular, 0) not in catalog)
    assert missing == []


async def test_home_counts_one_member_in_the_singular(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    await factories.member(tree.hoan_kiem)
    en = await client.get("/?lang=en")
    assert "<strong>1</strong><span>member</span>" in en.text
    assert "<strong>0</strong><span>ideas</span>" in en.text
    vi = await client.get("/?lang=vi")
    assert "<strong>1</strong><span>đoàn viên</span>" in vi.text


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("vi", "15 phút | 1 phút 30 giây | 45 giây | 1 phút"),
        ("en", "15 minutes | 1 minute 30 seconds | 45 seconds | 1 minute"),
    ],
)
def test_a_time_limit_is_written_in_minutes_and_seconds(lang: str, expected: str) -> None:
    """A round of 45 s said "0 minutes"."""
    source = "{{ 900|duration }} | {{ 90|duration }} | {{ 45|duration }} | {{ 60|duration }}"
    assert render_in(lang, source) == expected
