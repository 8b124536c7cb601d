"""Announcing that a member's powers or credentials changed.

The rule, written once: every use case that changes what a member may do or how they are
signed in — a role granted or revoked, a password changed or reset, a deactivation or
reactivation, a session or API token ended — calls `member_changed(member_id)` after its
change is committed. Whoever keeps copies of principals (the web processes,
`web.principals`) registers with `on_member_changed` and drops them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

Listener = Callable[[int], Awaitable[None]]

_listeners: list[Listener] = []


def on_member_changed(listener: Listener) -> None:
    """Call `listener(member_id)` after each change (once, however often registered)."""
    if listener not in _listeners:
        _listeners.append(listener)


async def member_changed(member_id: int) -> None:
    for listener in _listeners:
        await listener(member_id)
