"""Submitting, reading, editing and withdrawing ideas through the API."""

from __future__ import annotations

import asyncio
import contextlib
import os
from typing import Any

import httpx2
import pytest
from redis.asyncio import Redis
from starlette.applications import Starlette
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from accounts.models import Member
from accounts.permissions import load_principal
from core import clock
from core.outbox import OutboxEvent
from ideas import submit_batch
from ideas.models import Idea, IdeaCoAuthor, IdeaStatus, StatusChange, SubmissionKey
from ideas.submission import NewIdea, Stored, write_one
from search import sync
from tests.ideas.world import idea_body, new_idea, world
from tests.support import run_worker


async def test_submit_then_read(client: httpx2.AsyncClient) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author, co_author_ids=[w.other.id])
    assert idea["status"] == "submitted"
    assert idea["author"] == {"id": w.author.id, "display_name": "Nguyễn Văn Tác Giả"}
    assert idea["unit"]["id"] == w.tree.hoan_kiem.id
    assert idea["co_authors"][0]["id"] == w.other.id
    assert "<strong>khó</strong>" in idea["body_html"]
    r = await client.get(f"/api/v1/ideas/{idea['id']}")
    assert r.status_code == 200
    assert r.json()["title"] == "Ứng dụng chuyển đổi số cho chi đoàn"
    assert await OutboxEvent.filter(topic="idea", entity_id=idea["id"]).count() == 1


async def test_script_in_body_is_inert(client: httpx2.AsyncClient) -> None:
    w = await world()
    body = "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    idea = await new_idea(client, w.h_author, body=body)
    assert idea["body"] == body
    assert "<script" not in idea["body_html"] and "<img" not in idea["body_html"]
    assert "javascript:" not in idea["body_html"].replace("(javascript:alert(1))", "")


async def test_bad_input_names_the_field_and_stores_nothing(client: httpx2.AsyncClient) -> None:
    w = await world()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"field": "astrology"}, "field"),
        ({"tags": [f"t{i}" for i in range(1000)]}, "tags"),
        ({"tags": ["x" * 31]}, "tags"),
        ({"body": "   "}, "body"),
        ({"co_author_ids": [999999]}, "co_author_ids"),
    ]
    for over, field in cases:
        r = await client.post("/api/v1/ideas", json=idea_body(**over), headers=w.h_author)
        assert r.status_code == 422, (over, r.text)
        assert field in r.json()["error"]["fields"], r.json()
    r = await client.post("/api/v1/ideas", content=b"{not json", headers=w.h_author)
    assert r.status_code == 400
    r = await client.post("/api/v1/ideas", json=idea_body())
    assert r.status_code == 401
    assert await Idea.all().count() == 0


async def test_errors_speak_the_request_language(client: httpx2.AsyncClient) -> None:
    w = await world()
    headers = {**w.h_other, "Accept-Language": "vi"}
    idea = await new_idea(client, w.h_author)
    r = await client.patch(
        f"/api/v1/ideas/{idea['id']}", json={"title": "Tiêu đề mới hơn"}, headers=headers
    )
    assert r.status_code == 403
    assert r.json()["error"]["message"] == "Chỉ tác giả của ý tưởng mới được làm việc này."


async def test_drafts_are_for_authors_only(client: httpx2.AsyncClient) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author, status="draft", co_author_ids=[w.other.id])
    assert (await client.get(f"/api/v1/ideas/{idea['id']}")).status_code == 404
    assert (await client.get(f"/api/v1/ideas/{idea['id']}", headers=w.h_org)).status_code == 404
    r = await client.get(f"/api/v1/ideas/{idea['id']}", headers=w.h_other)
    assert r.status_code == 200  # a co-author is an author
    r = await client.patch(
        f"/api/v1/ideas/{idea['id']}", json={"status": "submitted"}, headers=w.h_other
    )
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    assert (await client.get(f"/api/v1/ideas/{idea['id']}")).status_code == 200


async def test_edit_rules(client: httpx2.AsyncClient) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author)
    url = f"/api/v1/ideas/{idea['id']}"
    r = await client.patch(url, json={"title": "Bản sửa của người khác"}, headers=w.h_hcm)
    assert r.status_code == 403
    r = await client.patch(
        url, json={"summary": "Tóm tắt đã được sửa lại cho rõ."}, headers=w.h_author
    )
    assert r.status_code == 200 and r.json()["summary"] == "Tóm tắt đã được sửa lại cho rõ."
    r = await client.patch(url, json={"status": "draft"}, headers=w.h_author)
    assert r.status_code == 409
    await Idea.filter(id=idea["id"]).update(status=IdeaStatus.ACCEPTED)
    r = await client.patch(url, json={"title": "Sửa sau khi duyệt"}, headers=w.h_author)
    assert r.status_code == 409


async def test_withdraw_keeps_the_idea(client: httpx2.AsyncClient) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author)
    url = f"/api/v1/ideas/{idea['id']}"
    assert (await client.delete(url, headers=w.h_other)).status_code == 403
    assert (await client.delete(url, headers=w.h_author)).status_code == 204
    assert (await Idea.get(id=idea["id"])).status == IdeaStatus.WITHDRAWN
    assert (await client.get(url)).status_code == 404
    assert (await client.get(url, headers=w.h_author)).json()["status"] == "withdrawn"
    assert (await client.get(url, headers=w.h_org)).status_code == 200
    assert (await client.get(url, headers=w.h_hcm_org)).status_code == 404


async def test_idempotency_key_gives_the_same_idea(client: httpx2.AsyncClient) -> None:
    w = await world()
    headers = {**w.h_author, "Idempotency-Key": "form-42"}
    first = await client.post("/api/v1/ideas", json=idea_body(), headers=headers)
    again = await client.post("/api/v1/ideas", json=idea_body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert await Idea.all().count() == 1
    other = await client.post(
        "/api/v1/ideas", json=idea_body(), headers={**w.h_other, "Idempotency-Key": "form-42"}
    )
    assert other.json()["id"] != first.json()["id"]


async def test_openapi_lists_the_idea_routes(client: httpx2.AsyncClient) -> None:
    paths = (await client.get("/api/v1/openapi.json")).json()["paths"]
    for path in (
        "/api/v1/ideas",
        "/api/v1/ideas/{id}/vote",
        "/api/v1/ideas/{id}/review",
        "/api/v1/ideas/similar",
        "/api/v1/ideas/export.csv",
        "/api/v1/stats",
        "/api/v1/comments/{id}/reports",
        "/api/v1/ideas/merges/{id}/undo",
    ):
        assert path in paths, path


# --- Submitting many at once: the grouped write (PostgreSQL) and the Idempotency-Key race ---

needs_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the grouped write is the PostgreSQL path",
)


async def new_idea_of(member: Member, title: str, **over: Any) -> NewIdea:
    who = await load_principal(member)
    values: dict[str, Any] = {
        "title": title,
        "summary": "Một ý tưởng gửi cùng lúc với nhiều ý tưởng khác.",
        "body": "Nội dung **ngắn**.",
        "field": "education",
        "tags": ["thử"],
        "status": IdeaStatus.SUBMITTED,
        "author_id": who.member_id,
        "unit_id": who.unit_id,
        "unit_path": who.unit_path,
        "co_author_ids": [],
        "at": clock.now(),
        "key": None,
    }
    values.update(over)
    return NewIdea(**values)


async def test_a_burst_of_submissions_is_stored_whole_and_answered_as_read(
    client: httpx2.AsyncClient,
) -> None:
    w = await world()
    bodies = [
        idea_body(
            title=f"Ý tưởng số {i} cho chi đoàn",
            tags=[f"thẻ {i}"],
            status="draft" if i % 5 == 0 else "submitted",
            co_author_ids=[w.other.id] if i % 3 == 0 else [],
        )
        for i in range(25)
    ]
    batches_before = submit_batch.batcher().batches
    answers = await asyncio.gather(
        *(client.post("/api/v1/ideas", json=b, headers=w.h_author) for b in bodies)
    )
    assert [r.status_code for r in answers] == [201] * 25
    ids = [r.json()["id"] for r in answers]
    assert len(set(ids)) == 25
    for body, r in zip(bodies, answers, strict=True):
        assert r.json()["title"] == body["title"]
        read = await client.get(f"/api/v1/ideas/{r.json()['id']}", headers=w.h_author)
        assert read.json() == r.json()  # the 201 built from values at hand is what is stored
    assert await Idea.all().count() == 25
    assert await IdeaCoAuthor.filter(member_id=w.other.id).count() == 9
    history = await StatusChange.filter(idea_id__in=ids).values_list("from_status", "to_status")
    assert sorted(history) == sorted(("", b["status"]) for b in bodies)
    assert await OutboxEvent.filter(topic="idea", entity_id__in=ids).count() == 25
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        # written together, not one by one
        assert submit_batch.batcher().batches - batches_before < 25


@needs_postgres
async def test_a_bad_row_fails_alone_and_nothing_of_it_is_stored(database: None) -> None:
    w = await world()
    good = [await new_idea_of(w.author, f"Ý tưởng tốt số {i}") for i in range(3)]
    # a co-author who was deleted after the check: the batch's statement fails as a whole
    bad = await new_idea_of(w.author, "Ý tưởng có đồng tác giả đã xoá", co_author_ids=[999999])
    batcher = submit_batch.SubmitBatcher()
    results = await asyncio.gather(
        *(batcher.write(i) for i in [good[0], bad, good[1], good[2]]), return_exceptions=True
    )
    assert isinstance(results[1], IntegrityError)
    stored = [r for r in results if isinstance(r, Stored)]
    assert len(stored) == 3 and all(r.created for r in stored)
    assert batcher.batches == 1 and batcher.fallbacks == 1  # then retried one by one
    titles = sorted(str(i.title) for i in await Idea.all())
    assert titles == sorted(i.title for i in good)
    ids = [r.idea_id for r in stored]
    assert await OutboxEvent.filter(topic="idea").count() == 3
    assert await StatusChange.filter(idea_id__in=ids).count() == 3
    assert await StatusChange.all().count() == 3


@needs_postgres
async def test_an_answered_idea_is_committed_even_if_its_caller_rolls_back(
    database: None,
) -> None:
    w = await world()
    idea = await new_idea_of(w.author, "Ý tưởng gửi từ trong một giao dịch")
    batcher = submit_batch.SubmitBatcher()
    with contextlib.suppress(LookupError):
        async with in_transaction():
            stored = await batcher.write(idea)  # the batch runs in its own transaction
            raise LookupError("the caller's own work fails after the answer")
    assert await Idea.filter(id=stored.idea_id).exists()
    assert await OutboxEvent.filter(topic="idea", entity_id=stored.idea_id).exists()


async def test_concurrent_requests_with_one_key_make_one_idea(
    client: httpx2.AsyncClient,
) -> None:
    w = await world()
    headers = {**w.h_author, "Idempotency-Key": "mobile-retry-7"}
    answers = await asyncio.gather(
        *(client.post("/api/v1/ideas", json=idea_body(), headers=headers) for _ in range(8))
    )
    assert [r.status_code for r in answers] == [201] * 8
    assert len({r.json()["id"] for r in answers}) == 1
    assert await Idea.all().count() == 1
    assert await OutboxEvent.filter(topic="idea").count() == 1
    assert await SubmissionKey.filter(member_id=w.author.id).count() == 1


@needs_postgres
async def test_one_key_racing_through_separate_transactions_makes_one_idea(
    database: None,
) -> None:
    w = await world()
    idea = await new_idea_of(w.author, "Ý tưởng gửi lại khi mạng chập chờn", key="k-1")
    # two web processes' batchers and two plain writes, all at the same moment
    first, second = submit_batch.SubmitBatcher(), submit_batch.SubmitBatcher()
    results = await asyncio.gather(
        first.write(idea), second.write(idea), write_one(idea), write_one(idea)
    )
    assert len({r.idea_id for r in results}) == 1
    assert sum(r.created for r in results) == 1
    assert await Idea.all().count() == 1
    assert await StatusChange.all().count() == 1
    assert await OutboxEvent.filter(topic="idea").count() == 1


# arq's Worker.close() calls redis-py's deprecated close() (tests/support.run_worker).
@pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")
async def test_ideas_written_together_are_findable_after_the_worker_runs(
    app: Starlette, client: httpx2.AsyncClient
) -> None:
    w = await world()
    words = [f"mx{i}zq{i * 7}" for i in range(20)]
    answers = await asyncio.gather(
        *(
            client.post(
                "/api/v1/ideas", json=idea_body(title=f"Sân chơi {word}"), headers=w.h_author
            )
            for word in words
        )
    )
    assert [r.status_code for r in answers] == [201] * 20
    await run_worker(app)
    for word, r in zip(words, answers, strict=True):
        found = await client.get("/api/v1/search", params={"q": word, "type": "ideas"})
        assert [h["id"] for h in found.json()["hits"]] == [r.json()["id"]], word


async def test_a_kick_queues_a_drain_unless_one_is_still_ahead(
    app: Starlette, redis: Redis
) -> None:
    async def drains() -> list[bytes]:
        return sorted(await redis.keys("arq:job:search-drain:*"))

    await sync.kick()
    queued = await drains()
    assert len(queued) == 1
    before = sync.kicks_enqueued()
    await asyncio.gather(*(sync.kick() for _ in range(20)))
    assert await drains() == queued  # that drain has not started: it will see these commits
    assert sync.kicks_enqueued() == before
    await redis.flushdb()  # the queued drain is lost (Redis flushed or restarted)
    await sync.kick()
    assert len(await drains()) == 1  # so the next kick queues one again
