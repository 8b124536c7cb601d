"""The unit leaderboard of a quiz round, for every level of the tree, without counting
attempts on each read.

The rule, written once: a unit's participants are the members of that unit and of every
unit below it who have a counting attempt on the round's board (`counting_scores`);
its members are the active members of that subtree; the participation rate is participants
over members; the average score is the mean of the participants' counting scores (correct
answers). A board lists the units of one level (optionally under one parent) that have
participants or members, most participants first, then by name.

How it stays cheap:
- During the round the scoring worker hands each batch's counting attempts to `put`. One
  Redis script per batch keeps, for round R, the hashes `quiz:ub:{R}:m` (member id →
  "score|unit path", what is counted for them), `quiz:ub:{R}:n` (unit path → participants)
  and `quiz:ub:{R}:s` (unit path → score sum), for the member's unit and all its ancestors.
  The script compares each entry with what it already counted, so a batch applied twice
  (a worker killed and re-run) changes nothing, and a member whose counting attempt or unit
  changed moves from the old numbers to the new.
- `quiz:ub:{R}:built` says the counters were rebuilt from the database. Without it (a new
  round, Redis lost) reads count in the database instead (`unit_counts`: one grouped
  query, shared by the reads of a process) and ask the worker to `rebuild` (under the
  round's scoring lock, `contests.rebuilds`), so a lost board comes back by itself.
- Members per unit subtree change slowly: cached for `MEMBERS_TTL_S` in `quiz:ub:members`.
- When the round freezes, `freeze` stores the board of every unit in `quiz_round_unit`
  (counted from the database); reads of a frozen round come from there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from tortoise.functions import Count
from tortoise.transactions import in_transaction

from accounts.models import Member, Unit, UnitLevel
from contests import counting, unit_counts
from contests.errors import BadContest
from contests.leaderboard import Entry, Keepalive, started
from contests.models import Round, RoundUnit
from core import queue

MEMBERS_TTL_S = 300
MEMBERS_KEY = "quiz:ub:members"
PUT_CHUNK = 1000
LEVELS = (UnitLevel.NATIONAL, UnitLevel.PROVINCE, UnitLevel.WARD, UnitLevel.CHAPTER)

# KEYS: member hash, participants hash, score-sum hash. ARGV: member, score, path triples.
_PUT = """
local function apply(path, n, score)
  local pos = 0
  while true do
    pos = string.find(path, '/', pos + 1, true)
    if not pos then break end
    local prefix = string.sub(path, 1, pos)
    redis.call('HINCRBY', KEYS[2], prefix, n)
    redis.call('HINCRBY', KEYS[3], prefix, score)
  end
end
local changed = 0
for i = 1, #ARGV, 3 do
  local member, score, path = ARGV[i], tonumber(ARGV[i + 1]), ARGV[i + 2]
  local new = ARGV[i + 1] .. '|' .. path
  local old = redis.call('HGET', KEYS[1], member)
  if old ~= new then
    if old then
      local sep = string.find(old, '|', 1, true)
      -- 0 - x, not -x: Lua turns -0 into "-0", which HINCRBY refuses
      apply(string.sub(old, sep + 1), -1, 0 - tonumber(string.sub(old, 1, sep - 1)))
    end
    apply(path, 1, score)
    redis.call('HSET', KEYS[1], member, new)
    changed = changed + 1
  end
end
return changed
"""


def _keys(round_id: int) -> tuple[str, str, str, str]:
    base = f"quiz:ub:{{{round_id}}}"
    return f"{base}:m", f"{base}:n", f"{base}:s", f"{base}:built"


def keys_of(round_id: int) -> tuple[str, ...]:
    """Every key of the round's unit counters, its marker included."""
    return _keys(round_id)


def prefixes(path: str) -> list[str]:
    """The paths of a unit and all its ancestors ("VN/P01/" → ["VN/", "VN/P01/"])."""
    return [path[: i + 1] for i, ch in enumerate(path) if ch == "/"]


@dataclass(frozen=True)
class UnitStats:
    unit: Unit
    participants: int
    members: int
    score_sum: int

    @property
    def rate(self) -> float:
        return round(self.participants / self.members, 4) if self.members else 0.0

    @property
    def average_score(self) -> float:
        return round(self.score_sum / self.participants, 2) if self.participants else 0.0


@dataclass(frozen=True)
class Board:
    level: UnitLevel
    parent: Unit | None
    rows: list[UnitStats]  # the requested page
    total: int
    final: bool  # stored when the round froze


# Writing the counters (the scoring worker)


def put_args(entries: Sequence[Entry]) -> list[str]:
    args: list[str] = []
    for e in entries:
        args += [str(e.scored.member_id), str(e.scored.correct_count), e.unit_path]
    return args


def queue_put(pipe: Any, round_: Round, entries: Sequence[Entry]) -> None:
    """Add the counting of `entries` to a Redis pipeline (one script call per `PUT_CHUNK`)."""
    keys = _keys(round_.id)[:3]
    for start in range(0, len(entries), PUT_CHUNK):
        pipe.eval(_PUT, len(keys), *keys, *put_args(entries[start : start + PUT_CHUNK]))


async def put(round_: Round, entries: Sequence[Entry]) -> None:
    """Count each member's counting attempt for their unit and its ancestors. Idempotent."""
    if not entries or not started():
        return
    pipe = queue.get_pool().pipeline(transaction=False)
    queue_put(pipe, round_, entries)
    await pipe.execute()


async def is_built(round_id: int) -> bool:
    return started() and bool(await queue.get_pool().exists(_keys(round_id)[3]))


def built_key(round_id: int) -> str:
    return _keys(round_id)[3]


async def clear(round_id: int) -> None:
    if started():
        await queue.get_pool().delete(*_keys(round_id))


async def rebuild(round_: Round, keepalive: Keepalive | None = None) -> int:
    """Count the round's board again from the database (`rebuilds.rebuild`, under the
    round's scoring lock); returns its participants."""
    from contests import rebuilds

    return await rebuilds.rebuild(round_, keepalive, board=False, units=True)


# Counting from the database (freezing, and reads while the counters are not built)


async def counting_scores(round_: Round) -> list[Entry]:
    """Every member's counting attempt of the round, without names (`counting`)."""
    return await counting.counting_entries(round_, names=False)


async def members_by_path() -> Counter[str]:
    """Active members of every unit subtree, by unit path (counted from the database)."""
    unit_paths = {u.id: u.path for u in await Unit.all().only("id", "path")}
    counts: Counter[str] = Counter()
    rows = (
        await Member.filter(is_active=True)
        .annotate(n=Count("id"))
        .group_by("unit_id")
        .values("unit_id", "n")
    )
    for row in rows:
        for prefix in prefixes(unit_paths.get(int(row["unit_id"]), "")):
            counts[prefix] += int(row["n"])
    return counts


async def cached_members(paths: Iterable[str]) -> dict[str, int]:
    """`members_by_path` for these paths, from a cache kept MEMBERS_TTL_S."""
    wanted = list(paths)
    if not started():
        counts = await members_by_path()
        return {p: counts.get(p, 0) for p in wanted}
    redis = queue.get_pool()
    if not await redis.exists(MEMBERS_KEY):
        counts = await members_by_path()
        pipe = redis.pipeline(transaction=True)
        pipe.delete(MEMBERS_KEY)
        pipe.hset(MEMBERS_KEY, mapping={"": 0, **counts})
        pipe.expire(MEMBERS_KEY, MEMBERS_TTL_S)
        await pipe.execute()
        return {p: counts.get(p, 0) for p in wanted}
    if not wanted:
        return {}
    raw: list[Any] = await cast(Awaitable[list[Any]], redis.hmget(MEMBERS_KEY, wanted))
    return {p: int(v or 0) for p, v in zip(wanted, raw, strict=True)}


async def counted_from_database(round_: Round) -> tuple[Counter[str], Counter[str]]:
    """Participants and score sums by unit path, counted from the scored attempts (in
    chunks of members, `counting.chunks`)."""
    participants: Counter[str] = Counter()
    sums: Counter[str] = Counter()
    async for chunk in counting.chunks(round_):
        more, more_sums = counted(chunk)
        participants.update(more)
        sums.update(more_sums)
    return participants, sums


def counted(entries: Iterable[Entry]) -> tuple[Counter[str], Counter[str]]:
    """Participants and score sums by unit path (and every ancestor's) of these entries."""
    participants: Counter[str] = Counter()
    sums: Counter[str] = Counter()
    for entry in entries:
        for prefix in prefixes(entry.unit_path):
            participants[prefix] += 1
            sums[prefix] += entry.scored.correct_count
    return participants, sums


async def freeze(round_: Round, entries: Sequence[Entry] | None = None) -> int:
    """Store the round's final unit board (every unit with participants or members), counted
    from the database (or from `entries`, the round's counting entries the caller already
    read). Idempotent: it replaces what an earlier freeze stored."""
    if entries is None:
        participants, sums = await counted_from_database(round_)
    else:
        participants, sums = counted(entries)
    members = await members_by_path()
    units = await Unit.all().only("id", "path", "level")
    rows = [
        RoundUnit(
            round_id=round_.id,
            unit_id=u.id,
            unit_path=u.path,
            level=UnitLevel(u.level).value,
            participants=participants.get(u.path, 0),
            members=members.get(u.path, 0),
            score_sum=sums.get(u.path, 0),
        )
        for u in units
        if participants.get(u.path) or members.get(u.path)
    ]
    async with in_transaction() as conn:
        await RoundUnit.filter(round_id=round_.id).using_db(conn).delete()
        await RoundUnit.bulk_create(rows, batch_size=1000, using_db=conn)
    return len(rows)


# Reading


async def _scope(
    level: UnitLevel | None, parent_id: int | None
) -> tuple[UnitLevel, Unit | None, bool]:
    """Which units a board lists: `level` (default: the level below `parent_id`, or the
    provinces), inside the subtree of `parent_id` when given (422 when the level asked is
    not below the parent's). The last flag says no unit can match (a chapter's children)."""
    parent = None
    if parent_id is not None:
        parent = await Unit.get_or_none(id=parent_id)
        if parent is None:
            raise BadContest(fields={"parent_id": "No such unit."})
        depth = LEVELS.index(UnitLevel(parent.level))
        if level is None:
            if depth == len(LEVELS) - 1:
                return UnitLevel.CHAPTER, parent, True
            level = LEVELS[depth + 1]
        if LEVELS.index(level) <= depth:
            raise BadContest(fields={"level": "Must be a level below the parent unit."})
    return level or UnitLevel.PROVINCE, parent, False


def _order(rows: list[UnitStats]) -> list[UnitStats]:
    return sorted(rows, key=lambda s: (-s.participants, s.unit.name, s.unit.id))


async def _frozen(round_: Round, level: UnitLevel, parent: Unit | None) -> list[UnitStats]:
    query = RoundUnit.filter(round_id=round_.id, level=level.value)
    if parent is not None:
        query = query.filter(unit_path__startswith=parent.path)
    stored = await query.select_related("unit")  # a join: a level may hold 32,767+ units
    return [UnitStats(r.unit, r.participants, r.members, r.score_sum) for r in stored]


async def _counters(round_id: int, paths: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    if not paths:
        return {}, {}
    _, n_key, s_key, _ = _keys(round_id)
    pipe = queue.get_pool().pipeline(transaction=False)
    pipe.hmget(n_key, paths)
    pipe.hmget(s_key, paths)
    n_raw, s_raw = await pipe.execute()
    return (
        {p: int(v or 0) for p, v in zip(paths, n_raw, strict=True)},
        {p: int(v or 0) for p, v in zip(paths, s_raw, strict=True)},
    )


async def _live(round_: Round, level: UnitLevel, parent: Unit | None) -> list[UnitStats]:
    query = Unit.filter(level=level)
    if parent is not None:
        query = query.filter(path__startswith=parent.path)
    units = list(await query)
    paths = [u.path for u in units]
    members = await cached_members(paths)
    if await is_built(round_.id):
        counted, sums = await _counters(round_.id, paths)
    else:
        counted, sums = await unit_counts.from_database(round_)
        if started():
            from contests import rebuilds

            await rebuilds.request_for_read(round_)  # the worker rebuilds the counters
    return [
        UnitStats(u, counted.get(u.path, 0), members.get(u.path, 0), sums.get(u.path, 0))
        for u in units
        if counted.get(u.path) or members.get(u.path)
    ]


async def board(
    round_: Round,
    *,
    level: UnitLevel | None = None,
    parent_id: int | None = None,
    offset: int = 0,
    limit: int = 100,
) -> Board:
    """One page of the round's unit board (see the module docstring)."""
    wanted, parent, empty = await _scope(level, parent_id)
    final = round_.frozen_at is not None
    if empty:
        return Board(wanted, parent, [], 0, final)
    # A frozen round answers from what its freeze stored; one with nothing stored there
    # (no participant at that level, or frozen before unit boards were stored) counts as a
    # live one would: nothing is written in a request.
    stored = await _frozen(round_, wanted, parent) if final else []
    rows = _order(stored or await _live(round_, wanted, parent))
    return Board(wanted, parent, rows[offset : offset + limit], len(rows), final)
