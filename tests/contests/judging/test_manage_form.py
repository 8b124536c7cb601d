"""The organisers' management page after a refused form: what was typed stays, and the
error is said once, at the form."""

from __future__ import annotations

import httpx2
import pytest

from contests.judging.models import Criterion, Judge
from tests.contests.judging.pages import login
from tests.contests.judging.world import build

pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")

EN = {"Accept-Language": "en"}


def _section(html: str, anchor: str) -> str:
    return html.split(f'id="{anchor}"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize(("weights", "total"), [(("50", "40"), "90"), (("60", "60"), "120")])
async def test_refused_criteria_keep_what_was_typed(
    client: httpx2.AsyncClient, weights: tuple[str, str], total: str
) -> None:
    w = await build()
    csrf = await login(client, w.organiser)
    r = await client.post(
        f"/contests/{w.contest.id}/judging/manage/criteria",
        data={
            "csrf_token": csrf,
            "name": ["Tính mới", "Khả thi", ""],
            "weight": [*weights, ""],
            "max_score": ["10", "5", "10"],
            "description": ["Có gì mới?", "Làm được không?", ""],
        },
        headers=EN,
    )
    assert r.status_code == 422
    assert await Criterion.all().count() == 0
    form = _section(r.text, "criteria")
    for typed in ("Tính mới", "Khả thi", weights[0], weights[1], "Có gì mới?", "Làm được không?"):
        assert f'value="{typed}"' in form
    assert 'value="5"' in form  # the second maximum, not the default 10
    # Said once, in the criteria form.
    assert r.text.count("add up to 100 (percent)") == 1
    assert f"they add up to {total}" in form


async def test_a_bad_criterion_is_marked_beside_its_field(client: httpx2.AsyncClient) -> None:
    w = await build()
    csrf = await login(client, w.organiser)
    r = await client.post(
        f"/contests/{w.contest.id}/judging/manage/criteria",
        data={
            "csrf_token": csrf,
            "name": ["Tính mới", "", "Tác động"],
            "weight": ["100", "", "-5"],
            "max_score": ["10", "10", "10"],
            "description": ["", "", ""],
        },
        headers=EN,
    )
    assert r.status_code == 422
    rows = _section(r.text, "criteria").split("<tr>")[2:]  # after the header row
    assert len(rows) == 3
    assert 'value="Tác động"' in rows[2] and 'value="-5"' in rows[2]
    assert "field-error" in rows[2].split('name="weight"')[1].split("</td>")[0]
    assert "field-error" not in rows[0] and "field-error" not in rows[1]
    assert r.text.count("Some fields are not valid.") == 1


async def test_invite_of_an_unknown_member_keeps_the_address(client: httpx2.AsyncClient) -> None:
    w = await build()
    csrf = await login(client, w.organiser)
    r = await client.post(
        f"/contests/{w.contest.id}/judging/manage/judge",
        data={"csrf_token": csrf, "member": "khong-co@example.vn", "field": "health"},
        headers=EN,
    )
    assert r.status_code == 404
    assert await Judge.all().count() == 0
    form = _section(r.text, "judge")
    assert 'value="khong-co@example.vn"' in form
    assert '<option value="health" selected>' in form
    assert r.text.count("This member does not exist.") == 1
    assert "This member does not exist." in form
