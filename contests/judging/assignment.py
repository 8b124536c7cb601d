"""Assigning judges to entries.

The rules, written once:
- Each entry of the current round gets `reviews_per_entry` different judges.
- Loads are as even as possible: among all plans that respect the rules, the one chosen
  minimises the sum over judges of load × (load + 1) / 2 (a min-cost flow with a convex cost
  per judge). That plan also has the smallest possible highest load and the largest possible
  lowest load, so no judge has more than one assignment above another whenever any plan
  with that property exists (panels and conflicts permitting).
- No conflict of interest: a judge never reviews an entry they (co-)authored, nor one whose
  idea or any of whose authors comes from the judge's own commune/ward or grassroots chapter
  (unit paths sharing the ward-level ancestor), nor one organisers declared a conflict for; a
  judge on a field panel reviews only entries of that field.
- When the constraints cannot be met, nothing is stored and the answer names every entry that
  is short and why. Re-running replaces the round's assignments while no review has been
  submitted in it.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass

import networkx as nx
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

STEPS = 64  # assignments above the even share priced one by one (see `_balanced_pairs`)
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
    """Pure assignment (the rules are the module's): entries with too few eligible judges are
    short; the others are placed by `_balanced_pairs`."""
    eligible: dict[int, list[int]] = {}
    short: dict[int, str] = {}
    for entry in entries:
        ok: list[int] = []
        why: Counter[str] = Counter()
        for judge in judges:
            reason = conflict(judge, entry, declared)
            if reason is None:
                ok.append(judge.member_id)
            else:
                why[reason] += 1
        if len(ok) < reviews_per_entry:
            short[entry.entry_id] = why.most_common(1)[0][0]
        else:
            eligible[entry.entry_id] = ok
    return Plan(_balanced_pairs(eligible, reviews_per_entry), short)


def _balanced_pairs(eligible: dict[int, list[int]], per_entry: int) -> list[tuple[int, int]]:
    """A min-cost flow. Entries with the same eligible judges form one group (most entries
    differ only by ward and field, so a contest has far fewer groups than entries):
    source → group (capacity `per_entry` × its entries) → each eligible judge (capacity: its
    number of entries, one per entry) → sink. A judge's arcs to the sink cost nothing up to
    the even share `low` (total ÷ judges, rounded down), then 1, 2, 3… for each assignment
    above it, up to `STEPS` above; beyond that one arc costs more than any of those (only
    when panels or conflicts force such loads). The cost per assignment never decreases,
    so the cost is convex: a plan with every load at `low` or `low + 1` costs exactly the
    number of loads at `low + 1` and every other plan costs more, so the flow finds it
    whenever it exists; otherwise the excess above `low` is spread as evenly as the arcs
    allow. `_split_group` turns a group's flow back into distinct judges per entry."""
    if not eligible or per_entry <= 0:
        return []
    groups: dict[tuple[int, ...], list[int]] = {}
    for entry_id, judge_ids in sorted(eligible.items()):
        groups.setdefault(tuple(sorted(judge_ids)), []).append(entry_id)
    graph = nx.MultiDiGraph()
    total = per_entry * len(eligible)
    graph.add_node("source", demand=-total)
    graph.add_node("sink", demand=total)
    degree: Counter[int] = Counter()
    for n, (group_judges, members) in enumerate(groups.items()):
        graph.add_edge("source", ("group", n), capacity=per_entry * len(members), weight=0)
        for judge_id in group_judges:
            graph.add_edge(("group", n), ("judge", judge_id), capacity=len(members), weight=0)
            degree[judge_id] += len(members)
    low = total // len(degree)
    for judge_id, most in sorted(degree.items()):
        node = ("judge", judge_id)
        if low:
            graph.add_edge(node, "sink", capacity=min(low, most), weight=0)
        for step in range(1, min(STEPS, most - low) + 1):
            graph.add_edge(node, "sink", capacity=1, weight=step)
        if most > low + STEPS:
            graph.add_edge(node, "sink", capacity=most - low - STEPS, weight=total + STEPS)
    _, flow = nx.network_simplex(graph)
    pairs: list[tuple[int, int]] = []
    for n, members in enumerate(groups.values()):
        taken = {int(target[1]): sum(arcs.values()) for target, arcs in flow[("group", n)].items()}
        pairs.extend(_split_group(members, taken, per_entry))
    return sorted(pairs)


def _split_group(
    members: list[int], taken: dict[int, int], per_entry: int
) -> list[tuple[int, int]]:
    """Deal a group's judges to its entries: list each judge as many times as it took
    entries of the group (never more than the group has entries), then entry i gets places
    i, i + k, i + 2k… (k entries): a judge's places are consecutive and at most k, so no
    entry gets the same judge twice, and every entry gets `per_entry` judges."""
    places = [j for j in sorted(taken) for _ in range(taken[j])]
    k = len(members)
    return [
        (entry_id, places[i + r * k])
        for i, entry_id in enumerate(members)
        for r in range(per_entry)
    ]


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
    facts, declared = await _entry_facts(entries), await _declared(contest_id)
    # The flow is CPU work (about 2 s for 1,000 entries and 40 judges): off the event loop.
    result = await asyncio.to_thread(plan, facts, judges, reviews_per_entry, declared)
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
