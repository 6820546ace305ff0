"""The bench's web app: FastAPI with a no-op endpoint and the four ways of querying, and its server entry point.

`python -m sqla_explore.queries.loadlab.webapp` binds 127.0.0.1 on an ephemeral port, prints `PORT <n>`, and
serves the app with one uvicorn worker. The database URL, delay and pool size come from the environment.
"""

from __future__ import annotations

import os
import socket
import sys
from contextlib import asynccontextmanager

ENV_URL = "SQLA_EXPLORE_BENCH_URL"
ENV_DELAY = "SQLA_EXPLORE_BENCH_DELAY_MS"
ENV_POOL = "SQLA_EXPLORE_BENCH_POOL"
ENV_PARENT = "SQLA_EXPLORE_BENCH_PARENT"


def create_app(url: str, *, delay_ms: float = 0.0, pool_size: int = 40):
    """The FastAPI app; engines are created on the server's loop at startup and disposed at shutdown."""
    from fastapi import Depends, FastAPI
    from fastapi.concurrency import run_in_threadpool
    from sqlalchemy.ext.asyncio import AsyncSession
    from sqlalchemy.orm import Session

    from .labdb import LabDatabase

    state: dict[str, LabDatabase] = {}

    @asynccontextmanager
    async def lifespan(app):
        try:
            state["lab"] = await LabDatabase.open(url, pool_size=pool_size, delay_ms=delay_ms)
        except Exception as exc:  # one readable line for the parent, which shows it to the user
            from sqlalchemy.engine import make_url

            from ..connect import connect_failure
            from ..errors import short_message

            if isinstance(getattr(exc, "orig", None) or exc, OSError):
                parsed = make_url(url)
                line = connect_failure(parsed.render_as_string(hide_password=True), exc, parsed)
            else:
                line = f"{type(exc).__name__}: {short_message(exc)}"
            print(f"STARTUP-ERROR {line}".splitlines()[0], file=sys.stderr, flush=True)
            raise
        try:
            yield
        finally:
            await state["lab"].close()

    app = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)

    def get_db():  # a sync dependency: FastAPI runs it in its threadpool
        db = state["lab"].SessionLocal()
        try:
            yield db
        finally:
            db.close()

    async def get_async_db():
        async with state["lab"].AsyncSessionLocal() as db:
            yield db

    @app.get("/noop")
    async def noop():
        return {"ok": True}

    @app.get("/sync/{uid}")
    def sync_sync(uid: int, db: Session = Depends(get_db)):
        return state["lab"].lookup_sync(db, uid)

    @app.get("/async-sync/{uid}")
    async def async_route_sync_db(uid: int, db: Session = Depends(get_db)):
        return state["lab"].lookup_sync(db, uid)  # blocks the event loop

    @app.get("/threadpool/{uid}")
    async def async_route_threadpool(uid: int, db: Session = Depends(get_db)):
        return await run_in_threadpool(state["lab"].lookup_sync, db, uid)

    @app.get("/async/{uid}")
    async def async_async(uid: int, db: AsyncSession = Depends(get_async_db)):
        return await state["lab"].lookup_async(db, uid)

    @app.get("/ids")
    async def ids():
        lab = state["lab"]
        return {"low": lab.low, "high": lab.high, "table": lab.table_name, "notes": lab.notes}

    return app


def _stack() -> str:
    """Which HTTP parser and event loop uvicorn's "auto" settings pick here."""
    import importlib.util

    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    return f"{http}+{loop}"


def _exit_with_parent(parent: int) -> None:
    """If the bench process dies without stopping us (SIGKILL...), stop serving within a second."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main() -> int:
    import uvicorn

    if os.environ.get(ENV_PARENT, "").isdigit():
        _exit_with_parent(int(os.environ[ENV_PARENT]))
    url = os.environ[ENV_URL]
    delay_ms = float(os.environ.get(ENV_DELAY, "0") or 0)
    pool = int(os.environ.get(ENV_POOL, "40") or 40)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(4096)
    print(f"PORT {sock.getsockname()[1]} {_stack()}", flush=True)
    config = uvicorn.Config(
        create_app(url, delay_ms=delay_ms, pool_size=pool),
        log_level="warning",
        access_log=False,
        lifespan="on",
        backlog=4096,
    )
    server = uvicorn.Server(config)
    server.run(sockets=[sock])
    return 0 if server.started else 3


if __name__ == "__main__":
    sys.exit(main())
