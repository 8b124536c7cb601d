"""A small judging world: units, an organiser, judges, authors, an idea contest, ideas."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from accounts.models import Member, RoleName, Unit
from contests.models import Contest, ContestKind, ContestStatus
from core import clock
from ideas.models import Idea, IdeaCoAuthor, IdeaField, IdeaStatus
from tests.factories import Tree, bearer, member, unit_tree

CRITERIA = [
    {"name": "Novelty", "weight": 30, "max_score": 10, "description": "How new is it?"},
    {"name": "Feasibility", "weight": 30, "max_score": 10},
    {"name": "Impact", "weight": 40, "max_score": 10},
]

# Windows relative to "now" when the world is built: entries open now for 7 days, judging
# from day 7 to day 14.
ENTRY_DAYS = 7
JUDGING_DAYS = 7


@dataclass
class World:
    tree: Tree
    organiser: Member
    judges: list[Member]
    authors: list[Member]
    contest: Contest
    ideas: list[Idea] = field(default_factory=list)
    headers: dict[int, dict[str, str]] = field(default_factory=dict)

    def h(self, who: Member) -> dict[str, str]:
        return self.headers[who.id]


async def make_contest(tree: Tree, organiser: Member, **over: object) -> Contest:
    now = clock.now()
    values: dict[str, Any] = {
        "title": "Ý tưởng xanh 2026",
        "description": "Cuộc thi ý tưởng",
        "kind": ContestKind.IDEAS,
        "status": ContestStatus.OPEN,
        "unit_id": tree.hanoi.id,
        "unit_path": tree.hanoi.path,
        "opens_at": now - timedelta(minutes=1),
        "closes_at": now + timedelta(days=ENTRY_DAYS),
        "eligibility_unit_id": tree.hanoi.id,
        "eligibility_path": tree.hanoi.path,
        "judging_opens_at": now + timedelta(days=ENTRY_DAYS),
        "judging_closes_at": now + timedelta(days=ENTRY_DAYS + JUDGING_DAYS),
        "created_by_id": organiser.id,
        "published_at": now,
        "created_at": now,
        "updated_at": now,
    }
    values.update(over)
    return await Contest.create(**values)


async def make_idea(
    author: Member,
    unit: Unit,
    title: str,
    *,
    status: IdeaStatus = IdeaStatus.SUBMITTED,
    field_: IdeaField = IdeaField.ENVIRONMENT,
    co_authors: tuple[Member, ...] = (),
) -> Idea:
    now = clock.now()
    idea = await Idea.create(
        title=title,
        summary=f"Tóm tắt: {title}",
        body=f"Nội dung chi tiết của ý tưởng {title}.",
        field=field_,
        tags=["xanh"],
        status=status,
        author_id=author.id,
        unit_id=unit.id,
        unit_path=unit.path,
        created_at=now,
        updated_at=now,
    )
    for co in co_authors:
        await IdeaCoAuthor.create(idea_id=idea.id, member_id=co.id)
    return idea


async def build(judge_count: int = 3, author_count: int = 4) -> World:
    """Judges live in Ba Đình; authors in Hoàn Kiếm (ward) / its chapter, one in Bến Thành."""
    tree = await unit_tree()
    organiser = await member(
        tree.hanoi, name="Nguyễn Tổ Chức", roles=((RoleName.ORGANIZER, tree.hanoi),)
    )
    judges = [await member(tree.ba_dinh, name=f"Giám Khảo {n}") for n in range(1, judge_count + 1)]
    author_units = [tree.hoan_kiem, tree.chapter, tree.hoan_kiem, tree.hanoi]
    authors = [
        await member(author_units[n % 4], name=f"Tác Giả Bí Mật {n}")
        for n in range(1, author_count + 1)
    ]
    contest = await make_contest(tree, organiser)
    world = World(tree, organiser, judges, authors, contest)
    for who in [organiser, *judges, *authors]:
        world.headers[who.id] = await bearer(who)
    return world


async def entered(w: World, count: int | None = None) -> list[int]:
    """Each author enters one idea (via the service); returns entry ids in order."""
    from contests.judging import entries
    from tests.contests.judging.principal import principal_of

    ids = []
    for n, author in enumerate(w.authors[: count or len(w.authors)]):
        unit = await Unit.get(id=author.unit_id)
        idea = await make_idea(author, unit, f"Ý tưởng số {n + 1}")
        w.ideas.append(idea)
        entry = await entries.enter(await principal_of(author), w.contest.id, idea.id)
        ids.append(entry.id)
    return ids


async def ready(w: World, reviews: int = 2) -> list[int]:
    """Criteria, judges and entries in place, assignment done, clock in the judging window."""
    from contests.judging import assignment, criteria, judges
    from contests.judging.criteria import CriterionSpec
    from tests.contests.judging.principal import principal_of

    org = await principal_of(w.organiser)
    ids = await entered(w)
    await criteria.set_criteria(
        org,
        w.contest.id,
        [
            CriterionSpec(str(c["name"]), float(str(c["weight"])), float(str(c["max_score"])))
            for c in CRITERIA
        ],
    )
    for j in w.judges:
        await judges.add_judge(org, w.contest.id, j.id)
    await assignment.auto_assign(org, w.contest.id, reviews)
    clock.travel(timedelta(days=ENTRY_DAYS, hours=1))
    return ids
