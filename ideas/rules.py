"""The idea bank's rules, each written once."""

from __future__ import annotations

import math
from datetime import datetime

from ideas.models import IdeaStatus

# Statuses that anyone may see and that the search index holds.
PUBLIC_STATUSES: frozenset[IdeaStatus] = frozenset(
    {
        IdeaStatus.SUBMITTED,
        IdeaStatus.UNDER_REVIEW,
        IdeaStatus.ACCEPTED,
        IdeaStatus.REJECTED,
        IdeaStatus.IMPLEMENTED,
    }
)
# Statuses in which the authors may still edit the idea.
EDITABLE_STATUSES: frozenset[IdeaStatus] = frozenset({IdeaStatus.DRAFT, IdeaStatus.SUBMITTED})


def frozen(frozen_from: datetime | None, now: datetime) -> bool:
    """An idea entered in an idea contest stays as it was when the contest's entries closed
    (`Idea.frozen_from`, the earliest such closing time): from then on its authors neither
    change it (text, co-authors, attachments) nor withdraw it, whatever its status, so the
    judges score what was entered and the published ranking shows it."""
    return frozen_from is not None and now >= frozen_from


def editable(status: IdeaStatus, frozen_from: datetime | None, now: datetime) -> bool:
    """Whether the authors may change the idea now: an editable status, not frozen."""
    return status in EDITABLE_STATUSES and not frozen(frozen_from, now)


# The review transitions an organiser may make: submitted → under_review → accepted |
# rejected → implemented (only from accepted); any public status → hidden; hidden → back to
# submitted (restore). Nothing moves out of draft, withdrawn or merged by review.
TRANSITIONS: dict[IdeaStatus, frozenset[IdeaStatus]] = {
    IdeaStatus.SUBMITTED: frozenset(
        {IdeaStatus.UNDER_REVIEW, IdeaStatus.ACCEPTED, IdeaStatus.REJECTED, IdeaStatus.HIDDEN}
    ),
    IdeaStatus.UNDER_REVIEW: frozenset(
        {IdeaStatus.ACCEPTED, IdeaStatus.REJECTED, IdeaStatus.HIDDEN}
    ),
    IdeaStatus.ACCEPTED: frozenset({IdeaStatus.IMPLEMENTED, IdeaStatus.HIDDEN}),
    IdeaStatus.REJECTED: frozenset({IdeaStatus.HIDDEN}),
    IdeaStatus.IMPLEMENTED: frozenset({IdeaStatus.HIDDEN}),
    IdeaStatus.HIDDEN: frozenset({IdeaStatus.SUBMITTED}),
}

# Reports by this many different members hide an item until an organiser decides.
REPORTS_TO_HIDE = 3

MAX_TAGS = 10
MAX_CO_AUTHORS = 10  # besides the author
MAX_TAG_CHARS = 30
MAX_COMMENT_CHARS = 2000
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

HOT_HALF_LIFE_HOURS = 48.0


def may_move(current: IdeaStatus, target: IdeaStatus) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def hot_score(vote_times: list[datetime], now: datetime) -> float:
    """ "Hot": each vote weighs 2^(-age / 48 h), so a vote cast today counts fully, one two
    days old half, one a week old about 1/11. The score is the sum of these weights; it is
    recomputed whenever the idea's votes change and by the nightly refresh (on PostgreSQL by
    the database itself, the same formula: `ideas.votes.hot_scores`)."""
    total = 0.0
    for at in vote_times:
        age_h = max(0.0, (now - at).total_seconds() / 3600.0)
        total += math.pow(2.0, -age_h / HOT_HALF_LIFE_HOURS)
    return round(total, 4)
