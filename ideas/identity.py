"""Identity hiding: ideas whose authors a viewer may not see, and what "not see" means.

Packages above `ideas` decide *whose* authors are hidden from *whom* by registering a policy
here when they are imported (the same way search sources are registered): `ideas` never
imports them. Blind judging (`contests.judging.blind`) is the one policy today, and its
docstring holds the rule of who and when.

What is hidden, written once: for an idea hidden from a viewer, every response the viewer
gets shows no author identity — the author and co-authors (names and ids), the idea's unit
(name, id and path), the names of the authors on their own comments, and attachment file
names (replaced by neutral ones, see `neutral_filename`). The idea itself (title, text,
field, tags, votes, attachments' contents) stays visible.

Cost: each policy has a cheap test on the principal (no I/O); only a principal that passes
one is asked about, so for everybody else `hidden_from` does no query. The web layer asks
once per request (`web.context.hidden_ideas`) and hands the set to the presenters.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from accounts.permissions import Principal
from ideas.models import Idea, IdeaCoAuthor

NO_HIDDEN: frozenset[int] = frozenset()


@dataclass(frozen=True)
class HidingPolicy:
    name: str
    # Cheap, no I/O: may this principal have ideas hidden from them at all?
    applies: Callable[[Principal], bool]
    # The ids of the ideas whose authors this principal may not see.
    hidden: Callable[[Principal], Awaitable[Iterable[int]]]


_policies: dict[str, HidingPolicy] = {}


def register_policy(policy: HidingPolicy) -> None:
    """Register (or replace: re-imports and tests) a policy under its name."""
    _policies[policy.name] = policy


async def hidden_from(who: Principal | None) -> frozenset[int]:
    """The ids of the ideas whose authors `who` may not see (anonymous visitors: none)."""
    if who is None:
        return NO_HIDDEN
    found: set[int] = set()
    for policy in _policies.values():
        if policy.applies(who):
            found.update(int(i) for i in await policy.hidden(who))
    return frozenset(found) if found else NO_HIDDEN


async def idea_author_ids(idea_id: int) -> frozenset[int]:
    """The author and co-authors of an idea (none when it is gone)."""
    idea = await Idea.get_or_none(id=idea_id)
    if idea is None:
        return frozenset()
    co = await IdeaCoAuthor.filter(idea_id=idea_id).values("member_id")
    return frozenset({idea.author_id, *(int(r["member_id"]) for r in co)})


async def masked_commenters(idea_id: int, hidden: frozenset[int]) -> frozenset[int]:
    """Members whose names must not appear beside the comments of this idea: its authors,
    when the idea is hidden from the viewer."""
    if idea_id not in hidden:
        return frozenset()
    return await idea_author_ids(idea_id)


def neutral_filename(attachment_id: int, filename: str) -> str:
    """A file name that says nothing of who made the file: `attachment-<id>.<extension>`."""
    _, dot, ext = filename.rpartition(".")
    ext = ext.lower() if dot and ext.isascii() and ext.isalnum() and len(ext) <= 5 else "bin"
    return f"attachment-{attachment_id}.{ext}"
