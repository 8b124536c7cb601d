"""The Starlette app: pages, the /api/v1 JSON API, middleware."""
