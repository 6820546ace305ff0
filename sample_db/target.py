"""Where a sample goes: parse a SQLite path / sqlite URL / PostgreSQL URL, and the errors a build reports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

__all__ = ["SampleError", "SampleExistsError", "SampleTargetError", "SampleTarget", "parse_target"]


class SampleError(Exception):
    """A build problem the user can fix; the message is meant to be shown as is."""


class SampleExistsError(SampleError):
    """The target already holds a database (or tables) and --force was not given."""


class SampleTargetError(SampleError):
    """The target is malformed, unsupported or unreachable."""


_PG_SCHEMES = {"postgresql", "postgres", "postgresql+asyncpg"}
_SQLITE_SCHEMES = {"sqlite", "sqlite+aiosqlite", "sqlite+pysqlite"}


@dataclass(frozen=True)
class SampleTarget:
    """A parsed target: a SQLite file (`path`) or a PostgreSQL database (`url`, always the asyncpg driver)."""

    backend: str  # "sqlite" or "postgresql"
    path: Path | None = None
    url: URL | None = None

    @property
    def display(self) -> str:
        """The target for messages (passwords hidden)."""
        if self.path is not None:
            return str(self.path)
        assert self.url is not None
        return unquote(self.url.render_as_string(hide_password=True))


def parse_target(target: str | Path) -> SampleTarget:
    """Turn a CLI target into a SampleTarget; raise SampleTargetError with a readable message."""
    if isinstance(target, Path):
        return _sqlite_target(target)
    text = str(target).strip()
    if not text:
        raise SampleTargetError("no target given: pass a SQLite file path or a postgresql:// URL")
    if "://" not in text:
        return _sqlite_target(Path(text))
    scheme = text.split("://", 1)[0].lower()
    try:
        url = make_url(text)
    except (ArgumentError, ValueError) as exc:
        raise SampleTargetError(f"cannot parse the URL {text!r}: {exc}") from None
    if scheme in _SQLITE_SCHEMES:
        if not url.database or url.database == ":memory:":
            raise SampleTargetError("an in-memory SQLite database cannot hold a sample: give a file, "
                                    "e.g. sqlite:///sample.db or just sample.db")
        return _sqlite_target(Path(url.database))
    if scheme in _PG_SCHEMES:
        url = url.set(drivername="postgresql+asyncpg")
        if not url.database:
            raise SampleTargetError(f"the URL {url.render_as_string(hide_password=True)} names no database: "
                                    "add one, e.g. postgresql://user@localhost/sample")
        return SampleTarget("postgresql", url=url)
    if scheme.startswith("postgresql+"):
        raise SampleTargetError(f"the sample builder uses asyncpg: write postgresql:// or postgresql+asyncpg:// "
                                f"instead of {scheme}://")
    raise SampleTargetError(f"unsupported target scheme {scheme}://: use a SQLite file path, sqlite:///FILE, "
                            "or postgresql://USER@HOST/DATABASE")


def _sqlite_target(path: Path) -> SampleTarget:
    path = path.expanduser()
    if path.is_dir():
        raise SampleTargetError(f"{path} is a directory: give a file name, e.g. {path / 'sample.db'}")
    if not path.parent.is_dir():
        raise SampleTargetError(f"the directory {path.parent} does not exist")
    return SampleTarget("sqlite", path=path.absolute())
