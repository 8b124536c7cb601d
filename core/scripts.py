"""Running one Redis Lua script many times in one pipeline.

Scripts go by their SHA1 (`EVALSHA`: Redis neither receives nor hashes the text again).
When Redis does not know the script (restarted, flushed, a failover), every call of the
pipeline answers NoScript and none ran; the script is loaded and the pipeline sent again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from redis.exceptions import NoScriptError


@lru_cache(maxsize=64)
def sha_of(script: str | bytes) -> str:
    text = script.encode() if isinstance(script, str) else script
    return hashlib.sha1(text).hexdigest()  # noqa: S324 - Redis names scripts so


async def run_many(
    client: Any, script: str | bytes, calls: Sequence[tuple[Sequence[str], Sequence[Any]]]
) -> list[Any]:
    """`script` once per `(keys, args)` of `calls`, in one round trip; one result per call,
    in order (an error reply is returned as that call's exception)."""
    sha = sha_of(script)
    results: list[Any] = []
    for _ in range(2):
        pipe = client.pipeline(transaction=False)
        for keys, args in calls:
            pipe.evalsha(sha, len(keys), *keys, *args)
        results = await pipe.execute(raise_on_error=False)
        if not any(isinstance(r, NoScriptError) for r in results):
            break
        await client.script_load(script)
    return results
