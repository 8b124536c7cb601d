"""Demo quiz contests for a fresh install."""

from __future__ import annotations

from accounts.demo import DemoPeople


async def seed(people: DemoPeople) -> None:
    """Idempotent: creates the demo contests once."""
