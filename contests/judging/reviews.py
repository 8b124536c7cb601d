"""Judges' queues and reviews.

The rules, written once:
- Only the judge assigned to an entry scores it, only while the judging window is open and
  only in the current round; edits are allowed on the same terms, and every saved version is
  kept for organisers to read. A queue item says why it cannot be scored (`state`): judging
  not open yet, ended, results published, or a round the contest has moved past.
- A review scores every criterion of the contest, each between 0 and that criterion's
  maximum; the comment is optional.
- Blind by default (`blind.py` holds the rule): nothing a judge is shown names the entry's
  authors, their unit or co-authors (only the idea's title, summary, text, field, tags and
  attachments, served under neutral file names).
- A judge downloads an entry's attachments through their assignment, and only the
  attachments of that entry's idea.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from accounts.models import Member
from accounts.permissions import Principal, require_member
from contests.judging import freshness, service
from contests.judging.aggregation import CriterionWeight, weighted_score
from contests.judging.blind import is_blind_now
from contests.judging.criteria import list_criteria
from contests.judging.errors import (
    AssignmentNotFound,
    AttachmentNotFound,
    BadScores,
    JudgingClosed,
    NotYourAssignment,
    RoundClosed,
)
from contests.judging.models import Assignment, Criterion, Entry, JudgingSettings, ReviewEdit
from contests.models import Contest
from core import clock, queue
from ideas.identity import neutral_filename
from ideas.models import Attachment, Idea, IdeaCoAuthor
from ideas.storage import Storage

log = logging.getLogger(__name__)

MAX_COMMENT = 5000


@dataclass(frozen=True)
class QueueItem:
    assignment: Assignment
    contest: Contest
    entry: Entry
    idea: Idea
    criteria: list[Criterion]
    state: service.JudgingState
    authors: list[str] | None  # only when the contest is not blind
    attachments: list[Attachment]
    blind: bool

    @property
    def open(self) -> bool:
        return self.state == service.JudgingState.OPEN

    @property
    def opens_at(self) -> datetime:
        """When judging opens (for an item not open yet)."""
        return service.judging_opens(self.contest)


def check_scores(criteria: list[Criterion], scores: dict[str, float]) -> dict[int, float]:
    """The scores by criterion id, or 422 naming every wrong one."""
    problems: dict[str, str] = {}
    by_id = {str(c.id): c for c in criteria}
    for key in scores:
        if key not in by_id:
            problems[f"scores.{key}"] = "Not a criterion of this contest."
    clean: dict[int, float] = {}
    for key, crit in by_id.items():
        value = scores.get(key)
        if value is None:
            problems[f"scores.{key}"] = "A score is required."
        elif not math.isfinite(value) or value < 0 or value > crit.max_score:
            problems[f"scores.{key}"] = "Out of range for this criterion."
        else:
            clean[crit.id] = float(value)
    if problems:
        raise BadScores(
            "Scores must be between 0 and each criterion's maximum, one for every criterion.",
            fields=problems,
        )
    return clean


async def _own_assignment(principal: Principal | None, assignment_id: int) -> Assignment:
    who = require_member(principal)
    found = await Assignment.get_or_none(id=assignment_id)
    if found is None:
        raise AssignmentNotFound()
    if found.judge_id != who.member_id:
        raise NotYourAssignment()
    return found


async def submit(
    principal: Principal | None, assignment_id: int, scores: dict[str, float], comment: str
) -> Assignment:
    assignment = await _own_assignment(principal, assignment_id)
    contest = await service.contest_or_404(assignment.contest_id)
    settings = await service.settings_for(contest.id)
    if assignment.round != settings.current_round:
        raise RoundClosed()
    now = clock.now()
    if not service.judging_open(contest, now):
        raise JudgingClosed()
    criteria = await Criterion.filter(contest_id=contest.id).order_by("position", "id")
    clean = check_scores(criteria, scores)
    weighted = weighted_score(
        [CriterionWeight(c.id, c.weight, c.max_score) for c in criteria], clean
    )
    stored = {str(k): v for k, v in clean.items()}
    async with in_transaction():
        # First, so a shortlist or freeze that committed since the check above rolls this
        # back with `RoundClosed`/`JudgingClosed` (`freshness.py`).
        await freshness.mark_stale(contest.id, now, round_no=assignment.round)
        assignment.scores = stored
        assignment.comment = comment.strip()[:MAX_COMMENT]
        assignment.weighted = weighted
        assignment.reviewed_at = now
        await assignment.save(update_fields=["scores", "comment", "weighted", "reviewed_at"])
        edit = await ReviewEdit.create(
            assignment_id=assignment.id,
            scores=stored,
            comment=assignment.comment,
            weighted=weighted,
            edited_at=now,
        )
    try:
        await queue.enqueue(
            "judging_aggregate",
            contest.id,
            assignment.round,
            job_id=f"judging-aggregate:{edit.id}",
        )
    except Exception:  # the review is stored; the catch-up cron (tasks.py) aggregates it
        log.warning("judging: aggregate of contest %s not queued", contest.id, exc_info=True)
    return assignment


async def judge_queue(principal: Principal | None) -> list[QueueItem]:
    """The judge's assignments: the current round's unreviewed ones first."""
    who = require_member(principal)
    mine = await Assignment.filter(judge_id=who.member_id).order_by("contest_id", "id")
    if not mine:
        return []
    contests = {c.id: c for c in await Contest.filter(id__in={a.contest_id for a in mine})}
    settings = {
        s.contest_id: s for s in await JudgingSettings.filter(contest_id__in=list(contests))
    }
    entries = {e.id: e for e in await Entry.filter(id__in=[a.entry_id for a in mine])}
    ideas = {i.id: i for i in await Idea.filter(id__in=[e.idea_id for e in entries.values()])}
    files: dict[int, list[Attachment]] = {i: [] for i in ideas}
    for f in await Attachment.filter(idea_id__in=list(ideas)).order_by("id"):
        files[f.idea_id].append(f)
    criteria: dict[int, list[Criterion]] = {c: [] for c in contests}
    for crit in await Criterion.filter(contest_id__in=list(contests)).order_by("position", "id"):
        criteria[crit.contest_id].append(crit)
    now = clock.now()
    items = []
    for a in mine:
        contest = contests[a.contest_id]
        s = settings.get(contest.id)
        current = a.round == (s.current_round if s else 1)
        state = service.judging_state(contest, now)
        if not current and state != service.JudgingState.PUBLISHED:
            state = service.JudgingState.LATER_ROUND
        entry = entries[a.entry_id]
        blind = is_blind_now(contest, s)
        authors = None if blind else await _author_names(entry.idea_id)
        items.append(
            QueueItem(
                a,
                contest,
                entry,
                ideas[entry.idea_id],
                criteria[contest.id],
                state,
                authors,
                files[entry.idea_id],
                blind,
            )
        )
    items.sort(key=lambda i: (not i.open, i.assignment.reviewed_at is not None, i.assignment.id))
    return items


async def queue_item(principal: Principal | None, assignment_id: int) -> QueueItem:
    assignment = await _own_assignment(principal, assignment_id)
    for item in await judge_queue(principal):
        if item.assignment.id == assignment.id:
            return item
    raise AssignmentNotFound()


async def attachment(
    principal: Principal | None, assignment_id: int, attachment_id: int, storage: Storage
) -> tuple[Attachment, str, bytes]:
    """An attachment of the entry assigned to this judge: (row, file name to show, bytes).
    The file name is neutral while the contest is blind (`blind.py`)."""
    assignment = await _own_assignment(principal, assignment_id)
    entry = await Entry.get(id=assignment.entry_id)
    row = await Attachment.get_or_none(id=attachment_id, idea_id=entry.idea_id)
    if row is None:
        raise AttachmentNotFound()
    contest = await Contest.get(id=assignment.contest_id)
    settings = await JudgingSettings.get_or_none(contest_id=contest.id)
    blind = is_blind_now(contest, settings)
    name = neutral_filename(row.id, row.filename) if blind else row.filename
    return row, name, await storage.get(row.storage_key)


async def _author_names(idea_id: int) -> list[str]:
    idea = await Idea.get(id=idea_id)
    co = await IdeaCoAuthor.filter(idea_id=idea_id).values_list("member_id", flat=True)
    members = await Member.filter(id__in=[idea.author_id, *co]).values_list(
        "display_name", flat=True
    )
    return [str(m) for m in members]


@dataclass(frozen=True)
class ReviewHistory:
    """One review's saved versions and who wrote them. For organisers only, so it names the
    judge; it names no author."""

    assignment: Assignment
    contest: Contest
    judge: Member
    edits: list[ReviewEdit]  # oldest first


@dataclass(frozen=True)
class ReviewHistoryPage(ReviewHistory):
    """The history with what the organisers' page shows beside it: the idea's title (never
    its authors) and the criteria the scores are given for."""

    idea: Idea
    criteria: list[Criterion]


async def history(principal: Principal | None, assignment_id: int) -> ReviewHistory:
    """Every saved version of a review, oldest first (organisers of the contest only)."""
    found = await Assignment.get_or_none(id=assignment_id)
    if found is None:
        raise AssignmentNotFound()
    contest = await service.contest_or_404(found.contest_id)
    service.require_organiser(principal, contest)
    return ReviewHistory(
        assignment=found,
        contest=contest,
        judge=await Member.get(id=found.judge_id),
        edits=await ReviewEdit.filter(assignment_id=assignment_id).order_by("edited_at", "id"),
    )


async def history_page(principal: Principal | None, assignment_id: int) -> ReviewHistoryPage:
    """`history`, on the same terms, with the idea and the criteria for the page."""
    found = await history(principal, assignment_id)
    entry = await Entry.get(id=found.assignment.entry_id)
    return ReviewHistoryPage(
        assignment=found.assignment,
        contest=found.contest,
        judge=found.judge,
        edits=found.edits,
        idea=await Idea.get(id=entry.idea_id),
        criteria=await list_criteria(found.contest.id),
    )
