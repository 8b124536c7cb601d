"""Every user-visible string of the search page has its Vietnamese translation."""

from __future__ import annotations

import re
from pathlib import Path

from web.i18n import translations


def test_every_string_of_the_page_is_translated() -> None:
    template = Path("web/templates/search/index.html").read_text(encoding="utf-8")
    page = Path("web/pages/search.py").read_text(encoding="utf-8")
    page += Path("web/labels.py").read_text(encoding="utf-8")
    msgids = set(re.findall(r'_\("([^"]+)"', template))
    msgids |= set(re.findall(r"_\('([^']+)'", template))
    msgids |= set(re.findall(r'ngettext\("([^"]+)"', template))
    msgids |= set(re.findall(r'^    "\w+": "([^"]+)",$', page, re.M))
    vi = translations("vi")
    missing = sorted(m for m in msgids if vi.gettext(m) == m and m != "%(ms)s ms")
    assert missing == []
    assert len(msgids) > 40
