"""Merges, undos, votes and unvotes in any order keep votes and comments exact
(`ideas.merging`): each idea's `votes` is its number of vote rows, a member votes at most
once per idea, and undoing every merge restores the votes as they were."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

import httpx2

from ideas.models import Idea, IdeaStatus, Vote
from tests import factories
from tests.ideas.world import World, new_idea, world

VoteRow = tuple[int, int, int, Any]  # id, idea, member, created_at


async def vote_rows() -> set[VoteRow]:
    rows = await Vote.all().values_list("id", "idea_id", "member_id", "created_at")
    return {(int(i), int(idea), int(m), at) for i, idea, m, at in rows}


async def check_invariant(client: httpx2.AsyncClient, ideas: list[int]) -> dict[int, int]:
    """Each idea's votes (API and page) = its vote rows; at most one vote per member and
    idea. Answers the votes by idea."""
    pairs = [(i, m) for _, i, m, _ in await vote_rows()]
    assert len(pairs) == len(set(pairs))
    shown = {}
    for idea_id in ideas:
        rows = sum(1 for i, _ in pairs if i == idea_id)
        r = await client.get(f"/api/v1/ideas/{idea_id}")
        assert r.status_code == 200, r.text
        assert r.json()["votes"] == rows == (await Idea.get(id=idea_id)).votes, idea_id
        shown[idea_id] = rows
    return shown


async def page_votes(client: httpx2.AsyncClient, idea_id: int) -> int:
    page = await client.get(f"/ideas/{idea_id}")
    found = re.search(r'id="vote-count">([\d.,]+)<', page.text)
    assert found, page.text
    return int(found.group(1).replace(".", "").replace(",", ""))


@dataclass
class Setup:
    w: World
    ideas: list[int]
    voters: list[dict[str, str]]
    voter_ids: list[int]


async def setup(client: httpx2.AsyncClient, n_ideas: int = 3, n_voters: int = 3) -> Setup:
    w = await world()
    ideas = [
        (await new_idea(client, w.h_author, title=f"Ý tưởng trùng lặp số {n}"))["id"]
        for n in range(n_ideas)
    ]
    members = [await factories.member(w.tree.hoan_kiem) for _ in range(n_voters)]
    return Setup(w, ideas, [await factories.bearer(m) for m in members], [m.id for m in members])


async def merge(client: httpx2.AsyncClient, s: Setup, source: int, target: int) -> int:
    r = await client.post(
        f"/api/v1/ideas/{source}/merge", json={"into_id": target}, headers=s.w.h_org
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def undo(client: httpx2.AsyncClient, s: Setup, merge_id: int) -> None:
    r = await client.post(f"/api/v1/ideas/merges/{merge_id}/undo", headers=s.w.h_org)
    assert r.status_code == 200, r.text


async def vote(client: httpx2.AsyncClient, h: dict[str, str], idea_id: int) -> int:
    r = await client.post(f"/api/v1/ideas/{idea_id}/vote", headers=h)
    assert r.status_code == 200, r.text
    return int(r.json()["votes"])


async def unvote(client: httpx2.AsyncClient, h: dict[str, str], idea_id: int) -> int:
    r = await client.delete(f"/api/v1/ideas/{idea_id}/vote", headers=h)
    assert r.status_code == 200, r.text
    return int(r.json()["votes"])


async def test_undoing_a_chain_returns_the_vote_to_where_it_was_cast(
    client: httpx2.AsyncClient,
) -> None:
    s = await setup(client)
    a, b, c = s.ideas
    m = s.voters[0]
    await vote(client, m, a)
    before = await vote_rows()
    ab = await merge(client, s, a, b)
    bc = await merge(client, s, b, c)
    assert await check_invariant(client, s.ideas) == {a: 0, b: 0, c: 1}
    await undo(client, s, bc)
    assert await check_invariant(client, s.ideas) == {a: 0, b: 1, c: 0}
    await undo(client, s, ab)
    assert await check_invariant(client, s.ideas) == {a: 1, b: 0, c: 0}
    assert await vote_rows() == before
    assert (await Vote.get(idea_id=a)).moved_from_id is None
    assert await unvote(client, m, a) == 0
    assert await vote(client, m, a) == 1
    await check_invariant(client, s.ideas)


async def test_a_moved_vote_taken_back_does_not_come_back(client: httpx2.AsyncClient) -> None:
    s = await setup(client)
    a, b, c = s.ideas
    m = s.voters[0]
    await vote(client, m, a)
    ab = await merge(client, s, a, b)
    assert await unvote(client, m, b) == 0
    await undo(client, s, ab)
    assert await check_invariant(client, s.ideas) == {a: 0, b: 0, c: 0}
    assert await vote(client, m, a) == 1

    # Moved along a chain, then taken back on the last idea.
    ab = await merge(client, s, a, b)
    bc = await merge(client, s, b, c)
    assert await unvote(client, m, c) == 0
    await undo(client, s, bc)
    await undo(client, s, ab)
    assert await check_invariant(client, s.ideas) == {a: 0, b: 0, c: 0}


async def test_voters_of_both_and_votes_cast_after_the_merge(client: httpx2.AsyncClient) -> None:
    s = await setup(client)
    a, b, c = s.ideas
    both, only_a, later = s.voters
    await vote(client, both, a)
    await vote(client, both, b)
    await vote(client, only_a, a)
    before = await vote_rows()
    ab = await merge(client, s, a, b)
    # `both` is counted once on b; their vote on a stays there, and a shows it.
    assert await check_invariant(client, s.ideas) == {a: 1, b: 2, c: 0}
    assert await vote(client, later, b) == 3
    r = await client.post(f"/api/v1/ideas/{b}/vote", headers=only_a)
    assert r.status_code == 409  # their vote from a counts on b already
    await undo(client, s, ab)
    assert await check_invariant(client, s.ideas) == {a: 2, b: 2, c: 0}
    rows = await vote_rows()
    assert before < rows and {(i, m) for _, i, m, _ in rows - before} == {(b, s.voter_ids[2])}


async def test_a_merged_duplicate_shows_the_votes_it_holds(client: httpx2.AsyncClient) -> None:
    s = await setup(client)
    a, b, _ = s.ideas
    await vote(client, s.voters[0], a)
    await vote(client, s.voters[1], a)
    assert await page_votes(client, a) == 2
    ab = await merge(client, s, a, b)
    idea = (await client.get(f"/api/v1/ideas/{a}")).json()
    assert idea["votes"] == 0 and idea["merged_into_id"] == b
    assert await page_votes(client, a) == 0
    assert await page_votes(client, b) == 2
    await undo(client, s, ab)
    assert await page_votes(client, a) == 2 and await page_votes(client, b) == 0


async def comments_of(client: httpx2.AsyncClient, idea_id: int) -> tuple[list[str], int, int]:
    listed = (await client.get(f"/api/v1/ideas/{idea_id}/comments")).json()
    count = (await client.get(f"/api/v1/ideas/{idea_id}")).json()["comments"]
    return [c["body"] for c in listed["items"]], listed["total"], count


async def test_a_chain_shows_every_merged_comment_and_undo_takes_them_back(
    client: httpx2.AsyncClient,
) -> None:
    s = await setup(client)
    a, b, c = s.ideas
    for idea_id, body in ((a, "Ý kiến về A"), (b, "Ý kiến về B")):
        r = await client.post(
            f"/api/v1/ideas/{idea_id}/comments", json={"body": body}, headers=s.voters[0]
        )
        assert r.status_code == 201, r.text
    ab = await merge(client, s, a, b)
    assert await comments_of(client, b) == (["Ý kiến về A", "Ý kiến về B"], 2, 2)
    bc = await merge(client, s, b, c)
    assert await comments_of(client, c) == (["Ý kiến về A", "Ý kiến về B"], 2, 2)
    assert await comments_of(client, b) == (["Ý kiến về A", "Ý kiến về B"], 2, 2)
    assert await comments_of(client, a) == (["Ý kiến về A"], 1, 1)
    page = await client.get(f"/ideas/{c}")
    assert "Ý kiến về A" in page.text and "Ý kiến về B" in page.text
    await undo(client, s, bc)
    assert await comments_of(client, c) == ([], 0, 0)
    assert await comments_of(client, b) == (["Ý kiến về A", "Ý kiến về B"], 2, 2)
    await undo(client, s, ab)
    assert await comments_of(client, b) == (["Ý kiến về B"], 1, 1)
    assert await comments_of(client, a) == (["Ý kiến về A"], 1, 1)


@dataclass
class Expected:
    """The rules of `ideas.merging` and `ideas.votes`, played on plain data."""

    votes: dict[int, tuple[int, int]]  # vote id -> (idea, member)
    merged_into: dict[int, int | None]
    merges: dict[int, tuple[int, int, list[int]]] = field(default_factory=dict)
    undone: set[int] = field(default_factory=set)

    def has(self, idea_id: int, member_id: int) -> bool:
        return (idea_id, member_id) in self.votes.values()

    def can_merge(self, source: int, target: int) -> bool:
        return source != target and self.merged_into[source] is self.merged_into[target] is None

    def merge(self, merge_id: int, source: int, target: int) -> None:
        moved = sorted(
            v for v, (i, m) in self.votes.items() if i == source and not self.has(target, m)
        )
        for v in moved:
            self.votes[v] = (target, self.votes[v][1])
        self.merges[merge_id] = (source, target, moved)
        self.merged_into[source] = target

    def can_undo(self, merge_id: int) -> bool:
        source, target, _ = self.merges[merge_id]
        return (
            merge_id not in self.undone
            and self.merged_into[source] == target
            and self.merged_into[target] is None
        )

    def undo(self, merge_id: int) -> None:
        source, target, moved = self.merges[merge_id]
        for v in moved:
            if v in self.votes and self.votes[v][0] == target:
                self.votes[v] = (source, self.votes[v][1])
        self.undone.add(merge_id)
        self.merged_into[source] = None


async def play(
    client: httpx2.AsyncClient, s: Setup, rng: random.Random, steps: int, *, votes: bool
) -> Expected:
    """Random merges and undos (and, with `votes`, votes and unvotes), each checked against
    `Expected` and the invariant; then every merge still in force undone, latest first."""
    rows = await vote_rows()
    ex = Expected({v: (i, m) for v, i, m, _ in rows}, {i: None for i in s.ideas})
    member_of = dict(zip(s.voter_ids, s.voters, strict=True))
    for _ in range(steps):
        kind = rng.choice(
            ["merge", "merge", "undo", "undo", "vote", "unvote"] if votes else ["merge", "undo"]
        )
        if kind == "merge":
            source, target = rng.sample(s.ideas, 2)
            r = await client.post(
                f"/api/v1/ideas/{source}/merge", json={"into_id": target}, headers=s.w.h_org
            )
            if ex.can_merge(source, target):
                assert r.status_code == 201, r.text
                ex.merge(int(r.json()["id"]), source, target)
                assert r.json()["moved_votes"] == len(ex.merges[int(r.json()["id"])][2])
            else:
                assert r.status_code == 409, r.text
        elif kind == "undo" and ex.merges:
            merge_id = rng.choice(sorted(ex.merges))
            r = await client.post(f"/api/v1/ideas/merges/{merge_id}/undo", headers=s.w.h_org)
            if ex.can_undo(merge_id):
                assert r.status_code == 200, r.text
                ex.undo(merge_id)
            else:
                assert r.status_code == 409, r.text
        elif kind in ("vote", "unvote"):
            member_id = rng.choice(s.voter_ids)
            idea_id = rng.choice(s.ideas)
            h = member_of[member_id]
            if kind == "vote":
                r = await client.post(f"/api/v1/ideas/{idea_id}/vote", headers=h)
                if ex.merged_into[idea_id] is None and not ex.has(idea_id, member_id):
                    assert r.status_code == 200, r.text
                    row = await Vote.get(idea_id=idea_id, member_id=member_id)
                    ex.votes[row.id] = (idea_id, member_id)
                else:
                    assert r.status_code == 409, r.text
            else:
                r = await client.delete(f"/api/v1/ideas/{idea_id}/vote", headers=h)
                if ex.has(idea_id, member_id):
                    assert r.status_code == 200, r.text
                    gone = [v for v, p in ex.votes.items() if p == (idea_id, member_id)]
                    del ex.votes[gone[0]]
                else:
                    assert r.status_code == 409, r.text
        await check_invariant(client, s.ideas)
        assert {v: (i, m) for v, i, m, _ in await vote_rows()} == ex.votes
    for merge_id in sorted(ex.merges, reverse=True):
        if merge_id not in ex.undone:
            assert ex.can_undo(merge_id)
            await undo(client, s, merge_id)
            ex.undo(merge_id)
            await check_invariant(client, s.ideas)
    assert {v: (i, m) for v, i, m, _ in await vote_rows()} == ex.votes
    for idea in await Idea.filter(id__in=s.ideas):
        assert idea.status == IdeaStatus.SUBMITTED and idea.merged_into_id is None
    return ex


async def test_random_merges_and_undos_restore_the_votes_exactly(
    client: httpx2.AsyncClient,
) -> None:
    rng = random.Random(20261105)
    s = await setup(client, n_ideas=4, n_voters=5)
    for h in s.voters:
        for idea_id in s.ideas:
            if rng.random() < 0.5:
                await vote(client, h, idea_id)
    before = await vote_rows()
    await play(client, s, rng, 40, votes=False)
    assert await vote_rows() == before  # the same rows: ids, ideas, members, times
    assert all(v.moved_from_id is None for v in await Vote.all())


async def test_random_merges_undos_and_votes_keep_the_invariant(
    client: httpx2.AsyncClient,
) -> None:
    rng = random.Random(7)
    s = await setup(client, n_ideas=4, n_voters=4)
    for h in s.voters:
        await vote(client, h, rng.choice(s.ideas))
    await play(client, s, rng, 70, votes=True)
    assert all(v.moved_from_id is None for v in await Vote.all())


async def test_a_vote_id_is_never_reused(client: httpx2.AsyncClient) -> None:
    """Undo finds the votes a merge moved by their ids (`ideas.merging`): a vote cast after
    the newest one was taken back gets a new id, on SQLite too (AUTOINCREMENT)."""
    s = await setup(client, n_ideas=1, n_voters=1)
    await vote(client, s.voters[0], s.ideas[0])
    first = (await Vote.get(idea_id=s.ideas[0])).id
    await unvote(client, s.voters[0], s.ideas[0])
    await vote(client, s.voters[0], s.ideas[0])
    assert (await Vote.get(idea_id=s.ideas[0])).id > first
