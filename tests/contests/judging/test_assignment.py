"""Assignment: balanced loads, no conflicts of interest, clear refusals, nothing half-stored."""

from __future__ import annotations

import random
from collections import Counter
from itertools import combinations, product

import httpx2

from accounts.models import Role, RoleName
from contests.judging.assignment import EntryFacts, JudgeFacts, conflict, plan, ward_key
from contests.judging.models import Assignment
from tests.contests.judging.world import CRITERIA, World, build, entered
from tests.factories import member


async def _setup(client: httpx2.AsyncClient, judge_count: int = 3) -> tuple[World, list[int]]:
    w = await build(judge_count=judge_count)
    ids = await entered(w)
    base = f"/api/v1/contests/{w.contest.id}"
    r = await client.post(f"{base}/criteria", json=CRITERIA, headers=w.h(w.organiser))
    assert r.status_code == 201, r.text
    for j in w.judges:
        r = await client.post(f"{base}/judges", json={"member_id": j.id}, headers=w.h(w.organiser))
        assert r.status_code == 201, r.text
    return w, ids


async def test_assignment_is_balanced_and_complete(client: httpx2.AsyncClient) -> None:
    w, ids = await _setup(client, judge_count=3)
    r = await client.post(
        f"/api/v1/contests/{w.contest.id}/assignments",
        json={"reviews_per_entry": 2},
        headers=w.h(w.organiser),
    )
    assert r.status_code == 201, r.text
    pairs = r.json()["assignments"]
    per_entry = Counter(a["entry_id"] for a in pairs)
    assert per_entry == dict.fromkeys(ids, 2)
    loads = Counter(a["judge_id"] for a in pairs)
    assert max(loads.values()) - min(loads.values()) <= 1
    assert len({(a["entry_id"], a["judge_id"]) for a in pairs}) == len(pairs)


async def test_inviting_a_judge_grants_the_role(client: httpx2.AsyncClient) -> None:
    w, _ = await _setup(client)
    for j in w.judges:
        assert await Role.exists(member_id=j.id, role=RoleName.JUDGE)


async def test_more_reviews_than_judges_is_refused(client: httpx2.AsyncClient) -> None:
    w, _ = await _setup(client, judge_count=2)
    r = await client.post(
        f"/api/v1/contests/{w.contest.id}/assignments",
        json={"reviews_per_entry": 3},
        headers=w.h(w.organiser) | {"Accept-Language": "en"},
    )
    assert r.status_code == 422
    body = r.json()["error"]
    assert body["code"] == "too_few_judges"
    assert "reviews_per_entry" in body["fields"]
    assert "(3)" in body["message"] and "(2)" in body["message"]
    assert await Assignment.all().count() == 0


async def test_conflicts_of_interest_are_never_assigned(client: httpx2.AsyncClient) -> None:
    w = await build(judge_count=2)
    # A judge from the author's own ward (Hoàn Kiếm) and a judge who co-authored an idea.
    neighbour = await member(w.tree.chapter, name="Hàng Xóm")
    w.judges.append(neighbour)
    from tests.factories import bearer

    w.headers[neighbour.id] = await bearer(neighbour)
    ids = await entered(w)
    base = f"/api/v1/contests/{w.contest.id}"
    await client.post(f"{base}/criteria", json=CRITERIA, headers=w.h(w.organiser))
    for j in w.judges:
        await client.post(f"{base}/judges", json={"member_id": j.id}, headers=w.h(w.organiser))
    # The neighbour may only review the entry from outside Hoàn Kiếm (author 3, Hà Nội).
    r = await client.post(
        f"{base}/assignments", json={"reviews_per_entry": 2}, headers=w.h(w.organiser)
    )
    assert r.status_code == 201, r.text
    for a in r.json()["assignments"]:
        if a["judge_id"] == neighbour.id:
            assert a["entry_id"] == ids[2]
    # Single add of a conflicted pair is refused.
    r = await client.post(
        f"{base}/assignments/single",
        json={"entry_id": ids[0], "judge_id": neighbour.id},
        headers=w.h(w.organiser),
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "conflict_of_interest"


async def test_short_entries_are_named_and_nothing_is_stored(client: httpx2.AsyncClient) -> None:
    w, ids = await _setup(client, judge_count=2)
    base = f"/api/v1/contests/{w.contest.id}"
    org = w.h(w.organiser)
    r = await client.post(
        f"{base}/conflicts",
        json={"judge_id": w.judges[0].id, "entry_id": ids[1]},
        headers=org,
    )
    assert r.status_code == 201
    r = await client.post(f"{base}/assignments", json={"reviews_per_entry": 2}, headers=org)
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "assignment_impossible"
    assert list(err["fields"]) == [f"entries.{ids[1]}"]
    assert await Assignment.all().count() == 0


async def test_single_add_and_remove(client: httpx2.AsyncClient) -> None:
    w, ids = await _setup(client, judge_count=3)
    base = f"/api/v1/contests/{w.contest.id}"
    org = w.h(w.organiser)
    judge = w.judges[0]
    r = await client.post(
        f"{base}/assignments/single", json={"entry_id": ids[0], "judge_id": judge.id}, headers=org
    )
    assert r.status_code == 201
    again = await client.post(
        f"{base}/assignments/single", json={"entry_id": ids[0], "judge_id": judge.id}, headers=org
    )
    assert again.status_code == 409
    stranger = await client.delete(
        f"/api/v1/judging/assignments/{r.json()['id']}",
        headers=w.h(judge),
    )
    assert stranger.status_code == 403
    gone = await client.delete(f"/api/v1/judging/assignments/{r.json()['id']}", headers=org)
    assert gone.status_code == 204
    assert await Assignment.all().count() == 0


async def test_only_organisers_manage(client: httpx2.AsyncClient) -> None:
    w = await build()
    base = f"/api/v1/contests/{w.contest.id}"
    member_h = w.h(w.authors[0])
    for method, path, body in [
        ("POST", "/criteria", CRITERIA),
        ("POST", "/judges", {"member_id": w.judges[0].id}),
        ("POST", "/assignments", {"reviews_per_entry": 1}),
        ("GET", "/judging/progress", None),
        ("GET", "/scores.csv", None),
        ("GET", "/ranking.csv", None),
    ]:
        r = await client.request(method, base + path, json=body, headers=member_h)
        assert r.status_code == 403, path
        anon = await client.request(method, base + path, json=body)
        assert anon.status_code == 401, path


async def test_weights_must_add_up_to_100(client: httpx2.AsyncClient) -> None:
    w = await build()
    url = f"/api/v1/contests/{w.contest.id}/criteria"
    bad = [
        {"name": "A", "weight": 50, "max_score": 10},
        {"name": "B", "weight": 40, "max_score": 10},
    ]
    r = await client.post(url, json=bad, headers=w.h(w.organiser) | {"Accept-Language": "en"})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "bad_weights"
    assert "90" in r.json()["error"]["message"]
    assert "weight" in r.json()["error"]["fields"]
    r = await client.post(
        url, json=[{"name": "A", "weight": 100, "max_score": -1}], headers=w.h(w.organiser)
    )
    assert r.status_code == 422
    assert (await client.get(url)).json()["items"] == []


def test_plan_balances_without_conflicts() -> None:
    entries = [EntryFacts(e, "x", frozenset({100 + e}), frozenset()) for e in range(1, 11)]
    judges = [JudgeFacts(j, None, None) for j in range(1, 5)]
    result = plan(entries, judges, 3, set())
    loads = Counter(j for _, j in result.pairs)
    assert not result.short
    assert sorted(loads.values()) == [7, 7, 8, 8]


def test_ward_key_compares_ward_level_ancestors() -> None:
    assert ward_key("VN/P01/W00070/C1/") == ward_key("VN/P01/W00070/")
    assert ward_key("VN/P01/") is None
    assert ward_key("VN/P01/W00004/") != ward_key("VN/P01/W00070/")


def _loads(pairs: list[tuple[int, int]], judges: list[JudgeFacts]) -> Counter[int]:
    loads: Counter[int] = Counter({j.member_id: 0 for j in judges})
    loads.update(j for _, j in pairs)
    return loads


def test_plan_balances_where_greedy_could_not() -> None:
    # Each judge has declared a conflict with one entry. Taking entries in order and giving
    # each to the least-loaded free judge gives entry 1 → judge 2, entry 2 → judge 1, and
    # then entry 3 (judges 1 or 2 only) → a second entry for one of them and none for
    # judge 3. The flow finds the plan where every judge reviews exactly one entry.
    entries = [EntryFacts(e, "x", frozenset({100 + e}), frozenset()) for e in (1, 2, 3)]
    judges = [JudgeFacts(j, None, None) for j in (1, 2, 3)]
    declared = {(1, 1), (2, 2), (3, 3)}
    result = plan(entries, judges, 1, declared)
    assert not result.short
    assert sorted(e for e, _ in result.pairs) == [1, 2, 3]
    assert all((j, e) not in declared for e, j in result.pairs)
    assert _loads(result.pairs, judges) == {1: 1, 2: 1, 3: 1}


def _random_case(
    rng: random.Random, max_entries: int, max_judges: int
) -> tuple[list[EntryFacts], list[JudgeFacts], int, set[tuple[int, int]]]:
    """Judges and entries with every kind of conflict: authors, wards, panels and (mostly)
    declared conflicts."""
    wards = ["VN/P01/W1", "VN/P01/W2", "VN/P01/W3"]
    judges = [
        JudgeFacts(
            j,
            rng.choice([None, None, None, None, *wards]),
            rng.choice([None] * 8 + ["a", "b"]),
        )
        for j in range(1, rng.randint(3, max_judges) + 1)
    ]
    entries = [
        EntryFacts(
            100 + e,
            rng.choice(["a", "b"]),
            frozenset(rng.sample(range(1, 30), rng.randint(1, 2))),
            frozenset(rng.sample(wards, rng.choice([0, 0, 0, 1]))),
        )
        for e in range(rng.randint(2, max_entries))
    ]
    declared = {(j.member_id, e.entry_id) for j in judges for e in entries if rng.random() < 0.3}
    return entries, judges, rng.randint(1, min(2, len(judges))), declared


def _balanced_plan_exists(
    entries: list[EntryFacts],
    judges: list[JudgeFacts],
    reviews: int,
    declared: set[tuple[int, int]],
) -> bool:
    """Brute force over every choice of judges per entry: is there a plan with loads that
    differ by at most one?"""
    choices = []
    for e in entries:
        ok = [j.member_id for j in judges if conflict(j, e, declared) is None]
        choices.append(list(combinations(ok, reviews)))
    for picked in product(*choices):
        loads = Counter({j.member_id: 0 for j in judges})
        loads.update(j for group in picked for j in group)
        if max(loads.values()) - min(loads.values()) <= 1:
            return True
    return False


def test_plan_is_balanced_whenever_a_balanced_plan_exists() -> None:
    rng = random.Random(20261123)
    balanced_cases = 0
    for _ in range(300):
        entries, judges, reviews, declared = _random_case(rng, max_entries=5, max_judges=4)
        result = plan(entries, judges, reviews, declared)
        if result.short:
            for entry_id in result.short:
                entry = next(e for e in entries if e.entry_id == entry_id)
                free = [j for j in judges if conflict(j, entry, declared) is None]
                assert len(free) < reviews
            continue
        loads = _loads(result.pairs, judges)
        if _balanced_plan_exists(entries, judges, reviews, declared):
            balanced_cases += 1
            assert max(loads.values()) - min(loads.values()) <= 1, (entries, judges, declared)
    assert balanced_cases >= 100  # the generator does produce many feasible cases


def test_plan_respects_every_rule_on_larger_random_cases() -> None:
    rng = random.Random(7)
    for _ in range(20):
        entries, judges, reviews, declared = _random_case(rng, max_entries=60, max_judges=9)
        result = plan(entries, judges, reviews, declared)
        by_entry: dict[int, list[int]] = {}
        for e, j in result.pairs:
            by_entry.setdefault(e, []).append(j)
        facts = {e.entry_id: e for e in entries}
        judge_facts = {j.member_id: j for j in judges}
        for entry in entries:
            if entry.entry_id in result.short:
                assert entry.entry_id not in by_entry
                continue
            chosen = by_entry[entry.entry_id]
            assert len(chosen) == len(set(chosen)) == reviews
            for j in chosen:
                assert conflict(judge_facts[j], facts[entry.entry_id], declared) is None
