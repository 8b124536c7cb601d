"""`uvicorn web.asgi:app`."""

from web.app import create_app

app = create_app(server=True)
