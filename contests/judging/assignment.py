"""Assigning judges to entries.

The rules, written once:
- Each entry of the current round gets `reviews_per_entry` different judges.
- Loads are balanced: entries are taken most-constrained first and each goes to the least
  loaded judges who may review it, so no judge has more than one assignment above another
  whenever conflicts allow it.
- No conflict of interest: a judge never reviews an entry they (co-)authored, nor one whose
  idea or any of whose authors comes from the judge's own commune/ward or grassroots chapter
  (unit paths sharing the ward-level ancestor), nor one organisers declared a conflict for; a
  judge on a field panel reviews only entries of that field.
- When the constraints cannot be met, nothing is stored and the answer names every entry that
  is short and why. Re-running replaces the round's assignments while no review has been
  submitted in it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from accounts.models import Member, Unit
from accounts.permissions import Principal
from contests.judging import service
from contests.judging.errors import (
    AlreadyAssigned,
    AlreadyReviewed,
    AssignmentImpossible,
    AssignmentLocked,
    AssignmentNotFound,
    ConflictOfInterest,
    EntryNotFound,
    JudgeNotFound,
    NoCriteria,
    NoEntries,
    TooFewJudges,
)
from contests.judging.models import Assignment, Criterion, DeclaredConflict, Entry, Judge
from core import clock
from ideas.models import Idea, IdeaCoAuthor

WARD_DEPTH = 3  # national / province / commune-ward: chapters sit below the ward

REASON_AUTHOR = "author"
REASON_UNIT = "unit"
REASON_DECLARED = "declared"
REASON_PANEL = "panel"

SHORT_MESSAGES = {
    REASON_AUTHOR: "Not enough judges: the other judges are its authors.",
    REASON_UNIT: "Not enough judges: the other judges come from the same commune/ward or chapter.",
    REASON_DECLARED: "Not enough judges: the other judges have declared conflicts.",
    REASON_PANEL: "Not enough judges on the panel of this entry's field.",
}


def ward_key(path: str) -> str | None:
    """The ward-level ancestor of a unit path (None above ward level)."""
    parts = [p for p in path.split("/") if p]
    return "/".join(parts[:WARD_DEPTH]) if len(parts) >= WARD_DEPTH else None


@dataclass(frozen=True)
class EntryFacts:
    entry_id: int
    field: str
    author_ids: frozenset[int]
    ward_keys: frozenset[str]


@dataclass(frozen=True)
class JudgeFacts:
    member_id: int
    ward_key: str | None
    field: str | None


def conflict(judge: JudgeFacts, entry: EntryFacts, declared: set[tuple[int, int]]) -> str | None:
    """Why this judge may not review this entry, or None."""
    if judge.member_id in entry.author_ids:
        return REASON_AUTHOR
    if judge.ward_key is not None and judge.ward_key in entry.ward_keys:
        return REASON_UNIT
    if (judge.member_id, entry.entry_id) in declared:
        return REASON_DECLARED
    if judge.field is not None and judge.field != entry.field:
        return REASON_PANEL
    return None


@dataclass(frozen=True)
class Plan:
    pairs: list[tuple[int, int]]  # (entry id, judge member id)
    short: dict[int, str]  # entry id -> the main reason it is short


def plan(
    entries: list[EntryFacts],
    judges: list[JudgeFacts],
    reviews_per_entry: int,
    declared: set[tuple[int, int]],
) -> Plan:
    """Pure assignment: most-constrained entries first, least-loaded eligible judges."""
    loads = {j.member_id: 0 for j in judges}
    eligible: dict[int, list[int]] = {}
    reasons: dict[int, Counter[str]] = {}
    for entry in entries:
        ok: list[int] = []
        why: Counter[str] = Counter()
        for judge in judges:
            reason = conflict(judge, entry, declared)
            if reason is None:
                ok.append(judge.member_id)
            else:
                why[reason] += 1
        eligible[entry.entry_id] = ok
        reasons[entry.entry_id] = why
    pairs: list[tuple[int, int]] = []
    short: dict[int, str] = {}
    for entry in sorted(entries, key=lambda e: (len(eligible[e.entry_id]), e.entry_id)):
        ok = eligible[entry.entry_id]
        if len(ok) < reviews_per_entry:
            short[entry.entry_id] = reasons[entry.entry_id].most_common(1)[0][0]
            continue
        for judge_id in sorted(ok, key=lambda j: (loads[j], j))[:reviews_per_entry]:
            loads[judge_id] += 1
            pairs.append((entry.entry_id, judge_id))
    return Plan(pairs, short)


async def _entry_facts(entries: list[Entry]) -> list[EntryFacts]:
    ideas = {i.id: i for i in await Idea.filter(id__in=[e.idea_id for e in entries])}
    co_rows = await IdeaCoAuthor.filter(idea_id__in=list(ideas)).values("idea_id", "member_id")
    authors: dict[int, set[int]] = {i.id: {i.author_id} for i in ideas.values()}
    for row in co_rows:
        authors[int(row["idea_id"])].add(int(row["member_id"]))
    member_ids = {m for ids in authors.values() for m in ids}
    paths = await _member_paths(member_ids)
    facts = []
    for e in entries:
        idea = ideas[e.idea_id]
        keys = {ward_key(idea.unit_path)} | {ward_key(paths[m]) for m in authors[idea.id]}
        facts.append(
            EntryFacts(
                e.id, str(idea.field), frozenset(authors[idea.id]), frozenset(k for k in keys if k)
            )
        )
    return facts


async def _member_paths(member_ids: set[int]) -> dict[int, str]:
    members = await Member.filter(id__in=list(member_ids)).values("id", "unit_id")
    units = {
        u["id"]: u["path"]
        for u in await Unit.filter(id__in=[m["unit_id"] for m in members]).values("id", "path")
    }
    return {int(m["id"]): str(units[m["unit_id"]]) for m in members}


async def _judge_facts(contest_id: int) -> list[JudgeFacts]:
    judges = await Judge.filter(contest_id=contest_id).order_by("id")
    paths = await _member_paths({j.member_id for j in judges})
    return [JudgeFacts(j.member_id, ward_key(paths[j.member_id]), j.field) for j in judges]


async def _declared(contest_id: int) -> set[tuple[int, int]]:
    rows = await DeclaredConflict.filter(contest_id=contest_id).values("judge_id", "entry_id")
    return {(int(r["judge_id"]), int(r["entry_id"])) for r in rows}


async def auto_assign(
    principal: Principal | None, contest_id: int, reviews_per_entry: int
) -> list[Assignment]:
    contest = await service.contest_or_404(contest_id)
    service.require_organiser(principal, contest)
    return await assign_round(contest_id, reviews_per_entry)


async def assign_round(contest_id: int, reviews_per_entry: int) -> list[Assignment]:
    """Assigns the current round (organiser already checked)."""
    settings = await service.settings_for(contest_id)
    round_no = settings.current_round
    if not await Criterion.exists(contest_id=contest_id):
        raise NoCriteria()
    entries = await Entry.filter(contest_id=contest_id, round__gte=round_no).order_by("id")
    if not entries:
        raise NoEntries()
    judges = await _judge_facts(contest_id)
    if reviews_per_entry > len(judges):
        raise TooFewJudges(
            "More reviews per entry ({reviews}) than there are judges ({judges}).",
            params={"reviews": reviews_per_entry, "judges": len(judges)},
            fields={"reviews_per_entry": TooFewJudges.message},
        )
    result = plan(
        await _entry_facts(entries), judges, reviews_per_entry, await _declared(contest_id)
    )
    if result.short:
        raise AssignmentImpossible(
            "{count} entries cannot get {reviews} judges each without a conflict of interest.",
            params={"count": len(result.short), "reviews": reviews_per_entry},
            fields={f"entries.{e}": SHORT_MESSAGES[r] for e, r in sorted(result.short.items())},
        )
    now = clock.now()
    async with in_transaction():
        if await Assignment.exists(
            contest_id=contest_id, round=round_no, reviewed_at__isnull=False
        ):
            raise AssignmentLocked()
        await Assignment.filter(contest_id=contest_id, round=round_no).delete()
        await Assignment.bulk_create(
            [
                Assignment(
                    contest_id=contest_id, entry_id=e, judge_id=j, round=round_no, created_at=now
                )
                for e, j in result.pairs
            ]
        )
    return await Assignment.filter(contest_id=contest_id, round=round_no).order_by("id")


async def add_single(
    principal: Principal | None, contest_id: int, entry_id: int, judge_id: int
) -> Assignment:
    """One more assignment in the current round, under the same conflict rules."""
    contest = await service.contest_or_404(contest_id)
    service.require_organiser(principal, contest)
    settings = await service.settings_for(contest_id)
    entry = await Entry.get_or_none(id=entry_id, contest_id=contest_id)
    if entry is None or entry.round < settings.current_round:
        raise EntryNotFound(fields={"entry_id": EntryNotFound.message})
    judge = next((j for j in await _judge_facts(contest_id) if j.member_id == judge_id), None)
    if judge is None:
        raise JudgeNotFound(fields={"judge_id": JudgeNotFound.message})
    facts = (await _entry_facts([entry]))[0]
    if conflict(judge, facts, await _declared(contest_id)) is not None:
        raise ConflictOfInterest(fields={"judge_id": ConflictOfInterest.message})
    round_no = settings.current_round
    async with in_transaction():
        if await Assignment.exists(entry_id=entry_id, judge_id=judge_id, round=round_no):
            raise AlreadyAssigned(fields={"judge_id": AlreadyAssigned.message})
        return await Assignment.create(
            contest_id=contest_id,
            entry_id=entry_id,
            judge_id=judge_id,
            round=round_no,
            created_at=clock.now(),
        )


async def remove_single(principal: Principal | None, assignment_id: int) -> None:
    """Organisers remove an assignment that has no review yet."""
    found = await Assignment.get_or_none(id=assignment_id)
    if found is None:
        raise AssignmentNotFound()
    contest = await service.contest_or_404(found.contest_id)
    service.require_organiser(principal, contest)
    if found.reviewed_at is not None:
        raise AlreadyReviewed()
    await found.delete()
