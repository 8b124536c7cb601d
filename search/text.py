"""Text as both backends see it: folding, words, filler words and highlighting.

Folding (`core.folding.fold`): lower case, no tone marks, đ/Đ → d. The same folding runs
at index time and at query time, so `da nang` finds "Đà Nẵng" and `chuyen doi so` finds
"Chuyển đổi số".

Query text is only ever split into words of letters and digits: quotes, operators,
parentheses, filter syntax (`status = "x" OR`), SQL and FTS operators all fall away as
separators, so no user input reaches an engine as syntax. At most `MAX_QUERY_WORDS`
words of at most `MAX_WORD_CHARS` characters are kept, which bounds the work of any query.
"""

from __future__ import annotations

import re
from html import escape

from core.folding import fold as fold  # re-exported: callers import it from here

MAX_QUERY_CHARS = 2_000
MAX_QUERY_WORDS = 12
MAX_WORD_CHARS = 40
SNIPPET_WORDS = 32

_WORD = re.compile(r"[^\W_]+")

# Filler words that must not drive a match in `similar()` (already folded). Vietnamese
# syllables that carry no topic on their own, and common English function words.
_VIETNAMESE_FILLER = (
    "va voi cua cho la thi ma nhung cac mot nay kia do day the nhu tu den trong ngoai tren "
    "duoi ve ra vao len xuong da dang se roi cung van con chi rat qua lai nua hay hoac neu vi "
    "nen tuy khi luc nao gi ai dau sao bao nhieu toi ban chung ta minh ho no em anh co khong "
    "duoc bi o tai theo boi de can phai muon it moi tung cai nguoi viec su cuoc nhan lam y "
    "tuong gium giup xin cam on a oi nhe nha vay thoi thay biet"
)
# English function words, minus those that are Vietnamese syllables with a meaning once
# folded (so = số, an = ăn, me = mẹ, to = tổ, he = hè, be = bé, but = bút, on = ổn, ...).
_ENGLISH_FILLER = (
    "the and are as for from has have her his if into is its not of or our she that their "
    "them then there these they this too was we were what when where which who why will "
    "with you your about just could should would does did been being any all some more "
    "most other idea ideas"
)
STOP_WORDS: frozenset[str] = frozenset((_VIETNAMESE_FILLER + " " + _ENGLISH_FILLER).split())


def words(text: str) -> list[str]:
    """The folded words of `text`, in order."""
    return _WORD.findall(fold(text))


def word_spans(text: str) -> list[tuple[int, int]]:
    """Where the words of `text` are, as (start, end) spans, in order."""
    return [m.span() for m in _WORD.finditer(text)]


def query_words(text: str) -> list[str]:
    """The words a query searches for: folded, distinct, bounded (see the module doc)."""
    out: list[str] = []
    for word in words(text[:MAX_QUERY_CHARS]):
        word = word[:MAX_WORD_CHARS]
        if word not in out:
            out.append(word)
        if len(out) >= MAX_QUERY_WORDS:
            break
    return out


def topic_words(text: str) -> list[str]:
    """Query words without filler words (for finding similar ideas)."""
    return [w for w in query_words(text) if w not in STOP_WORDS and len(w) > 1]


def _matches(word: str, wanted: list[str]) -> bool:
    folded = fold(word)
    return any(folded.startswith(w) for w in wanted)


def highlight(text: str, wanted: list[str]) -> str:
    """`text` HTML-escaped, with the words that match (by prefix, folded) in <mark>."""
    if not wanted:
        return escape(text)
    out: list[str] = []
    last = 0
    for m in _WORD.finditer(text):
        if _matches(m.group(), wanted):
            out.append(escape(text[last : m.start()]))
            out.append("<mark>" + escape(m.group()) + "</mark>")
            last = m.end()
    out.append(escape(text[last:]))
    return "".join(out)


def snippet(text: str, wanted: list[str], size: int = SNIPPET_WORDS) -> str:
    """About `size` words of `text` around the first match, highlighted; … marks cuts."""
    spans = word_spans(text)
    if not spans:
        return escape(text[:200])
    first = 0
    for i, (start, end) in enumerate(spans):
        if wanted and _matches(text[start:end], wanted):
            first = i
            break
    begin = max(0, first - size // 4)
    end = min(len(spans), begin + size)
    begin = max(0, end - size)
    start_char = 0 if begin == 0 else spans[begin][0]
    end_char = len(text) if end == len(spans) else spans[end - 1][1]
    body = highlight(text[start_char:end_char], wanted)
    prefix = "" if begin == 0 else "… "
    suffix = "" if end == len(spans) else " …"
    return prefix + body + suffix


def searchable_text(document: dict[str, object]) -> tuple[str, str]:
    """The folded title, and the folded rest (summary, body, tags), of a document."""
    tags = document.get("tags") or []
    rest = " ".join(
        [
            str(document.get("summary") or ""),
            str(document.get("body") or ""),
            " ".join(str(t) for t in tags) if isinstance(tags, list) else "",
        ]
    )
    return " ".join(words(str(document.get("title") or ""))), " ".join(words(rest))
