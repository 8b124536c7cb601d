"""`ideabank seed-demo`: the units, demo people, and each package's small demo data set."""

from __future__ import annotations

import importlib

from accounts.demo import seed_people
from accounts.models import Member
from accounts.units import load_reference_tree

# Each module has `async def seed(people: DemoPeople) -> None`, idempotent.
DEMO_MODULES: tuple[str, ...] = ("ideas.demo", "contests.demo", "contests.judging.demo")


async def seed_demo(*, if_empty: bool) -> str:
    created_units = await load_reference_tree()
    if if_empty and await Member.exists():
        return f"units created: {created_units}; members exist, demo data left as it is"
    people = await seed_people()
    for name in DEMO_MODULES:
        await importlib.import_module(name).seed(people)
    return (
        f"units created: {created_units}; demo accounts ready "
        f"(e.g. {people.organizer.email} / password 'ideabank-demo')"
    )
