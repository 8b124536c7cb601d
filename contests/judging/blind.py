"""Blind judging, everywhere.

The rule, written once: while a blind idea contest's results are unpublished, a member who
judges that contest sees no author identity for that contest's entries, on any response —
the judging queue and pages, the idea page and API, idea lists and search, comments,
attachments, exports and error messages (what "no author identity" covers is written in
`ideas.identity`). A contest is blind unless its organisers turned blind judging off. Ideas
the judge (co-)authored are not hidden from them. Once the results are published, authors
show again.

Judging screens apply it directly (they never name authors of a blind contest); everything
else goes through the `ideas.identity` hook registered below. A member judges a contest only
through `judges.add_judge` (and the demo), which grants the judge role, so members without a
judge role are never asked about (no query for them).

A list, search or export narrowed by unit leaves these entries out for the judge (being
found under a unit would tell where an entry comes from: `search.port.SearchQuery.unit_hidden`).
What the authors wrote into the idea's own text (a name in the body) is the idea's content
and is shown as written.
"""

from __future__ import annotations

from typing import Any

from accounts.permissions import Principal
from contests.judging.models import Entry, Judge, JudgingSettings
from contests.models import Contest
from ideas.identity import HidingPolicy, register_policy
from ideas.models import Idea, IdeaCoAuthor


def is_blind_now(contest: Contest, settings: JudgingSettings | None) -> bool:
    """Blind setting on (the default, also with no settings row yet), results unpublished."""
    blind = settings is None or settings.blind
    return blind and contest.results_published_at is None


async def blind_contest_ids(contest_ids: list[int]) -> set[int]:
    """Which of these contests are blind now (`is_blind_now`), in two queries."""
    if not contest_ids:
        return set()
    unpublished = _ids(
        await Contest.filter(id__in=contest_ids, results_published_at__isnull=True).values("id"),
        "id",
    )
    seeing = _ids(
        await JudgingSettings.filter(contest_id__in=list(unpublished), blind=False).values(
            "contest_id"
        ),
        "contest_id",
    )
    return unpublished - seeing


async def hidden_idea_ids(who: Principal) -> set[int]:
    """The ideas entered in blind contests `who` judges, minus `who`'s own ideas."""
    judged = _ids(await Judge.filter(member_id=who.member_id).values("contest_id"), "contest_id")
    blind = await blind_contest_ids(list(judged))
    if not blind:
        return set()
    ideas = _ids(await Entry.filter(contest_id__in=list(blind)).values("idea_id"), "idea_id")
    if not ideas:
        return set()
    own = _ids(await Idea.filter(id__in=list(ideas), author_id=who.member_id).values("id"), "id")
    co = _ids(
        await IdeaCoAuthor.filter(idea_id__in=list(ideas), member_id=who.member_id).values(
            "idea_id"
        ),
        "idea_id",
    )
    return ideas - own - co


def _ids(rows: list[dict[str, Any]], key: str) -> set[int]:
    return {int(r[key]) for r in rows}


def may_judge(who: Principal) -> bool:
    return who.is_judge


register_policy(HidingPolicy("blind-judging", may_judge, hidden_idea_ids))
