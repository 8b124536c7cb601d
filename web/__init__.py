"""The Starlette app: pages, the /api/v1 JSON API, middleware."""

# Path ids ({id:int}, {id:account}) are held to their key's range by the convertors that
# web.routing registers; they must exist before any route module builds its routes.
from web import routing as _routing  # noqa: F401
