"""Judging criteria of a contest.

The rule: criteria are set as a whole list; each has a weight in percent and a maximum score;
the weights add up to 100 (within 0.01); names are unique within the contest. The list may be
replaced until the first review is submitted, never after (scores would lose their meaning).
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from accounts.permissions import Principal
from contests.judging import service
from contests.judging.errors import BadWeights, CriteriaLocked
from contests.judging.models import Assignment, Criterion

WEIGHT_TOTAL = 100.0
WEIGHT_TOLERANCE = 0.01


@dataclass(frozen=True)
class CriterionSpec:
    name: str
    weight: float
    max_score: float
    description: str = ""


def check_weights(specs: list[CriterionSpec]) -> None:
    total = sum(s.weight for s in specs)
    if not specs or abs(total - WEIGHT_TOTAL) > WEIGHT_TOLERANCE:
        raise BadWeights(
            "The weights must add up to 100 (percent); they add up to {total}.",
            params={"total": round(total, 2)},
            fields={"weight": BadWeights.message},
        )
    names = [s.name.strip().casefold() for s in specs]
    if len(set(names)) != len(names):
        raise BadWeights(
            "Two criteria have the same name.", fields={"name": "Two criteria have the same name."}
        )


async def set_criteria(
    principal: Principal | None, contest_id: int, specs: list[CriterionSpec]
) -> list[Criterion]:
    contest = await service.contest_or_404(contest_id)
    service.require_organiser(principal, contest)
    check_weights(specs)
    async with in_transaction():
        if await Assignment.filter(contest_id=contest_id, reviewed_at__isnull=False).exists():
            raise CriteriaLocked()
        await Criterion.filter(contest_id=contest_id).delete()
        for position, spec in enumerate(specs):
            await Criterion.create(
                contest_id=contest_id,
                name=spec.name.strip(),
                description=spec.description.strip(),
                weight=spec.weight,
                max_score=spec.max_score,
                position=position,
            )
    return await list_criteria(contest_id)


async def list_criteria(contest_id: int) -> list[Criterion]:
    return await Criterion.filter(contest_id=contest_id).order_by("position", "id")
