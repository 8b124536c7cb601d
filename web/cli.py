"""The `ideabank` command."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from core import db
from core.settings import Settings, get_settings


async def _with_db(settings: Settings, action: Callable[[], Awaitable[Any]]) -> Any:
    await db.init(settings)
    try:
        return await action()
    finally:
        await db.close()


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    uvicorn.run(
        "web.asgi:app",
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers,
        proxy_headers=True,
        # "auto" picks uvloop and httptools (installed with uvicorn[standard]).
        loop="auto",
        http="auto",
        # One log line per request costs ~10% of a small request; the Prometheus metrics
        # (`/metrics`) count every request by route and status anyway.
        access_log=args.access_log,
        backlog=args.backlog,
        log_level="info",
    )
    return 0


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    import uvloop
    from arq.worker import run_worker

    from workers.broker import broker_for
    from workers.settings import WorkerSettings

    if settings.redis_embedded:
        print(
            "ideabank worker needs REDIS_URL (the embedded mode runs the worker in the web "
            "process)",
            file=sys.stderr,
        )
        return 2
    WorkerSettings.redis_settings = broker_for(settings).arq
    # The loop the web processes run on (uvicorn's "auto"): arq takes the current one.
    asyncio.set_event_loop(uvloop.new_event_loop())
    run_worker(WorkerSettings)  # type: ignore[arg-type]
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    asyncio.run(db.migrate(settings))
    print("migrations applied")
    return 0


def cmd_create_admin(args: argparse.Namespace, settings: Settings) -> int:
    from accounts.service import create_admin
    from accounts.units import load_reference_tree

    password = Path(args.password_file).read_text(encoding="utf-8").strip()
    if len(password) < 8:
        print("the password must have at least 8 characters", file=sys.stderr)
        return 2

    async def action() -> None:
        await load_reference_tree()
        member = await create_admin(args.email, password)
        print(f"admin ready: {member.email} (id {member.id})")

    asyncio.run(_with_db(settings, action))
    return 0


def cmd_seed_demo(args: argparse.Namespace, settings: Settings) -> int:
    from web.demo import seed_demo

    async def action() -> None:
        print(await seed_demo(if_empty=args.if_empty))

    asyncio.run(_with_db(settings, action))
    return 0


def cmd_load_units(args: argparse.Namespace, settings: Settings) -> int:
    from accounts.units import load_reference_tree

    async def action() -> None:
        print(f"units created: {await load_reference_tree()}")

    asyncio.run(_with_db(settings, action))
    return 0


def cmd_reindex(args: argparse.Namespace, settings: Settings) -> int:
    """Rebuild search indexes from the database (Meilisearch: into a new index, then swap)."""
    import importlib

    from tqdm import tqdm

    from search import engine, sync

    for module in ("ideas.documents", "contests.documents"):  # registers their sources
        importlib.import_module(module)

    async def action() -> None:
        backend = engine.create_backend(
            meili_url=settings.meili_url,
            meili_key=settings.meili_master_key,
            index_prefix=settings.meili_index_prefix,
        )
        await backend.start()
        engine.set_backend(backend)
        try:
            for index in [args.index] if args.index else ["ideas", "contests"]:
                total = await sync.count_expected(index)
                with tqdm(total=total, desc=f"reindex {index}", unit="doc") as bar:
                    count = await sync.reindex(index, progress=bar.update)
                print(f"{index}: {count} documents indexed")
        finally:
            engine.set_backend(None)
            await backend.close()

    asyncio.run(_with_db(settings, action))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "serve": cmd_serve,
    "worker": cmd_worker,
    "migrate": cmd_migrate,
    "create-admin": cmd_create_admin,
    "seed-demo": cmd_seed_demo,
    "load-units": cmd_load_units,
    "reindex": cmd_reindex,
}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ideabank", description="Idea bank and contest platform")
    sub = p.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the site and API")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=1, help="web processes (production)")
    serve.add_argument("--access-log", action="store_true", help="log every request")
    serve.add_argument("--backlog", type=int, default=4096, help="pending connections")
    sub.add_parser("worker", help="run the arq worker (production; needs REDIS_URL)")
    sub.add_parser("migrate", help="apply database migrations")
    admin = sub.add_parser("create-admin", help="create or reset an admin account")
    admin.add_argument("--email", required=True)
    admin.add_argument("--password-file", required=True)
    demo = sub.add_parser("seed-demo", help="load units and a small demo data set")
    demo.add_argument("--if-empty", action="store_true", help="only when there are no members")
    sub.add_parser("load-units", help="load the national, province and ward units")
    reindex = sub.add_parser("reindex", help="rebuild the search indexes from the database")
    reindex.add_argument("--index", choices=["ideas", "contests"], help="only this index")
    return p


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    args = parser().parse_args(argv)
    return COMMANDS[args.command](args, get_settings())


if __name__ == "__main__":
    raise SystemExit(main())
