"""A contest's question bank as a process draws and shows questions from it.

Staleness rule (written once, here): a process uses a contest's bank as read from the
database at most `TTL_S` = 1 second ago, and at once anew after a change made in this
process (`changed`, called by every use case that writes questions, after its commit). So
a question added, edited or retired during an open round is drawn, shown or no longer drawn
everywhere within 1 s; an attempt keeps the questions it drew (their ids) and shows them as
the bank has them now. Reads arriving together share one load (`core.load_once`).

Why: every start draws from the whole bank (the weekly contest draws 30 questions of
hundreds), and reading it per start cost ~65 ms of CPU for a bank of 1,000 on the 2-core VM
(15 starts/s: `bench/quiz_starts.py`), the 09:00 rush's bottleneck. The answer key is in
the bank as in the database: it never leaves the server (`contests.schemas`' outputs have
no such field; the scorer reads the key from the database, not from here).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from contests.models import Question
from core import clock
from core.load_once import LoadOnce, kept_within

TTL_S = 1.0
MAX_BANKS = 64  # contests whose banks a process keeps (those with open rounds, in practice)


@dataclass(frozen=True)
class Bank:
    questions: list[Question]  # every question of the contest, retired ones too, by id
    by_id: dict[int, Question]


@dataclass(frozen=True)
class _Stamp:
    read_at: datetime
    generation: int


_banks: LoadOnce[int, _Stamp, Bank] = LoadOnce(max_keys=MAX_BANKS)
_generation: dict[int, int] = {}


def changed(contest_id: int) -> None:
    """The contest's questions changed (in this process): read its bank anew."""
    _generation[contest_id] = _generation.get(contest_id, 0) + 1


async def bank(contest_id: int) -> Bank:
    """The contest's questions, as read at most `TTL_S` ago."""

    def fresh(stamp: _Stamp) -> bool:
        return kept_within(
            TTL_S, stamp.read_at, clock.now()
        ) and stamp.generation == _generation.get(contest_id, 0)

    return await _banks.get(
        contest_id,
        fresh=fresh,
        stamp=lambda: _Stamp(clock.now(), _generation.get(contest_id, 0)),
        load=lambda: _load(contest_id),
    )


async def _load(contest_id: int) -> Bank:
    questions = list(await Question.filter(contest_id=contest_id).order_by("id"))
    return Bank(questions, {q.id: q for q in questions})


async def picked(contest_id: int, ids: Sequence[int]) -> list[Question]:
    """The questions `ids` (an attempt's, in its order) as the bank has them; a question
    deleted since is left out."""
    found = (await bank(contest_id)).by_id
    return [found[i] for i in ids if i in found]
