"""Turn what the user typed (a SQLite path or a URL) into an async engine, with clear refusals."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from . import rollbacks
from .errors import ConnectError, short_message

# Sync (or bare) driver names and the async driver we use instead.
ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+pysqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+psycopg2": "postgresql+asyncpg",
    "postgresql+psycopg": "postgresql+asyncpg",
    "postgresql+pg8000": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
    "postgresql+psycopg_async": "postgresql+psycopg_async",
    "mysql": "mysql+aiomysql",
    "mysql+pymysql": "mysql+aiomysql",
    "mysql+mysqldb": "mysql+aiomysql",
    "mysql+aiomysql": "mysql+aiomysql",
    "mysql+asyncmy": "mysql+asyncmy",
    "mariadb": "mariadb+aiomysql",
}

SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass
class Target:
    """A resolved database target: the URL to connect with and what was changed on the way."""

    url: URL
    notes: list[str] = field(default_factory=list)

    @property
    def display(self) -> str:
        """The URL with any password masked: safe for titles, logs and the status bar."""
        return self.url.render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"


def _sqlite_file_url(path: Path, read_only: bool) -> URL:
    # mode=rw / ro through a URI: SQLite then never creates a missing file behind our back.
    mode = "ro" if read_only else "rw"
    return URL.create(
        "sqlite+aiosqlite", database=f"file:{path.resolve()}", query={"mode": mode, "uri": "true"}
    )


def _check_sqlite_file(path: Path) -> None:
    if not path.exists():
        raise ConnectError(
            f"no such database file: {path} (create the sample with: sqla-explore sample {path})"
        )
    if path.is_dir():
        raise ConnectError(f"{path} is a directory, not a SQLite database file")
    with path.open("rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    if head and head != SQLITE_MAGIC:
        raise ConnectError(f"{path} is not a SQLite database (its first bytes are not SQLite's header)")


def resolve_target(target: str, *, read_only: bool = False) -> Target:
    """Resolve a path or URL; raise ConnectError with a readable message when it cannot work."""
    target = target.strip()
    if not target:
        raise ConnectError("no database given: pass a SQLite file path or a SQLAlchemy URL")
    if "://" not in target:
        path = Path(target).expanduser()
        _check_sqlite_file(path)
        return Target(_sqlite_file_url(path, read_only))
    try:
        url = make_url(target)
    except ArgumentError as exc:
        raise ConnectError(f"not a database URL: {exc}") from None
    notes: list[str] = []
    driver = url.drivername
    wanted = ASYNC_DRIVERS.get(driver)
    if wanted is None:
        known = ", ".join(sorted({d.split("+")[0] for d in ASYNC_DRIVERS}))
        raise ConnectError(f"unknown database scheme {driver!r} (known: {known}; async drivers only)")
    if wanted != driver:
        notes.append(f"{driver}:// is a sync driver; using its async counterpart {wanted}://")
        url = url.set(drivername=wanted)
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:") or database.startswith("file:"):
            return Target(url, notes)
        path = Path(database).expanduser()
        _check_sqlite_file(path)
        return Target(_sqlite_file_url(path, read_only), notes)
    return Target(url, notes)


def create_engine_for(target: Target, *, read_only: bool = False, **kwargs) -> AsyncEngine:
    """Create the AsyncEngine for a resolved target. Call it on the loop that will use the engine."""
    connect_args: dict = kwargs.pop("connect_args", {})
    if read_only and target.url.get_backend_name() == "postgresql" and target.url.drivername.endswith("asyncpg"):
        settings = dict(connect_args.get("server_settings", {}))
        settings["default_transaction_read_only"] = "on"
        connect_args["server_settings"] = settings
    if target.is_sqlite and "module" not in kwargs:
        # sqlean's sqlite3 where the stdlib one cannot load extensions: the vector pane needs sqlite-vec.
        from .vector.sqlite_funcs import engine_options

        kwargs.update(engine_options(target.url))
    for key, value in rollbacks.create_options().items():
        kwargs.setdefault(key, value)
    try:
        engine = create_async_engine(target.url, connect_args=connect_args, **kwargs)
    except ModuleNotFoundError as exc:
        raise ConnectError(
            f"the driver for {target.url.drivername} is not installed ({exc.name}); pip install {exc.name}"
        ) from None
    except ArgumentError as exc:
        raise ConnectError(str(exc)) from None
    if kwargs["pool_reset_on_return"] is None:
        rollbacks.install(engine)
    return engine


def unix_socket_dir(url: URL) -> str | None:
    """The directory of a PostgreSQL unix socket given as `?host=DIR` (None when the host is a TCP address)."""
    if url.host:
        return None
    socket = url.query.get("host")
    if isinstance(socket, tuple):
        socket = socket[0] if socket else None
    return socket or None


def connect_failure(display: str, exc: BaseException, url: URL | None = None) -> str:
    """`cannot connect to URL: reason`, plus what to check when the reason alone is cryptic (a unix socket
    directory with no server in it reads as "No such file or directory")."""
    message = f"cannot connect to {display}: {short_message(exc)}"
    cause = getattr(exc, "orig", None) or exc
    if url is None or url.get_backend_name() != "postgresql" or not isinstance(cause, (FileNotFoundError, ConnectionRefusedError)):
        return message
    socket = unix_socket_dir(url)
    if socket:
        return message + f" (no PostgreSQL server is listening in {socket}: is it running, and is host= its socket directory?)"
    return message + f" (nothing is listening on {url.host or 'localhost'}:{url.port or 5432}: is the server running?)"
