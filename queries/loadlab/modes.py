"""The four ways of running a sync or async query from a web handler, as the seed article contrasts them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mode:
    """One way of calling the database: its number, URL slug, labels, code and the article's figure."""

    number: int
    slug: str
    title: str
    short: str
    code: str
    article_rps: int | None
    blocks_loop: bool = False


SYNC_THREADS = Mode(
    1,
    "sync",
    "def route + sync Session (threadpool)",
    "sync/sync",
    '''@app.get("/sync/{uid}")
def read_user(uid: int, db: Session = Depends(get_db)):
    return db.query(User).filter(User.id == uid).first()''',
    600,
)

SYNC_IN_ASYNC = Mode(
    2,
    "async-sync",
    "async def route + sync Session (blocks the loop)",
    "async+sync",
    '''@app.get("/async-sync/{uid}")
async def read_user(uid: int, db: Session = Depends(get_db)):
    # a blocking call inside async def: the loop waits
    return db.query(User).filter(User.id == uid).first()''',
    550,
    blocks_loop=True,
)

THREADPOOL = Mode(
    3,
    "threadpool",
    "async def route + run_in_threadpool(sync Session)",
    "threadpool",
    '''@app.get("/threadpool/{uid}")
async def read_user(uid: int, db: Session = Depends(get_db)):
    return await run_in_threadpool(
        lambda: db.query(User).filter(User.id == uid).first())''',
    None,
)

ASYNC_SESSION = Mode(
    4,
    "async",
    "async def route + AsyncSession",
    "async/async",
    '''@app.get("/async/{uid}")
async def read_user(uid: int, db: AsyncSession = Depends(get_adb)):
    result = await db.execute(select(User).where(User.id == uid))
    return result.scalars().first()''',
    1400,
)

MODES: tuple[Mode, ...] = (SYNC_THREADS, SYNC_IN_ASYNC, THREADPOOL, ASYNC_SESSION)
BY_NUMBER = {m.number: m for m in MODES}
BY_SLUG = {m.slug: m for m in MODES}

# Threads for the sync modes: Starlette/AnyIO's default threadpool limit, so lab and bench agree.
THREADPOOL_SIZE = 40
# Database connections per engine: as many as threads, never more than the concurrency asks for.
MAX_POOL = 40
# The in-app lab keeps both engines open beside the explorer's own pool: stay well under PostgreSQL's
# default max_connections (100) even with the explorer and a bench running.
LAB_POOL = 25


def mode_for(key: int | str) -> Mode:
    """The mode for a number (1-4) or a slug; ValueError with the choices otherwise."""
    if isinstance(key, int) and key in BY_NUMBER:
        return BY_NUMBER[key]
    if isinstance(key, str):
        if key.isdigit() and int(key) in BY_NUMBER:
            return BY_NUMBER[int(key)]
        if key in BY_SLUG:
            return BY_SLUG[key]
    choices = ", ".join(f"{m.number}/{m.slug}" for m in MODES)
    raise ValueError(f"unknown mode {key!r} (choose one of {choices})")
