"""A lean HTTP/1.1 load client on asyncio streams: keep-alive connections, bounded concurrency, timings.

Why not httpx: measured here, an httpx client saturates its own core near 600 req/s even against a no-op
endpoint, so it would measure itself. This client does only what the bench needs (GET, Content-Length or
chunked bodies, reconnect on close) and reaches several thousand req/s on one core.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .stats import ModeStats, summarize


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""
    wall_s: float = 0.0

    def stats(self, mode: str) -> ModeStats:
        return summarize(mode, self.latencies, self.wall_s, errors=self.errors, finished=True, note=self.first_error)


class HTTPError(Exception):
    pass


class _Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def get(self, path: str) -> tuple[int, bytes]:
        if self.writer is None:
            await self.open()
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n\r\n".encode("ascii"))
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        try:
            status = int(lines[0].split(" ", 2)[1])
        except (IndexError, ValueError):
            raise HTTPError(f"bad status line {lines[0]!r}") from None
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = await self._chunked()
        else:
            body = await self.reader.read()
            self.close()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, body

    async def _chunked(self) -> bytes:
        parts = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)


async def load(
    host: str,
    port: int,
    path_for: Callable[[int], str],
    *,
    requests: int,
    concurrency: int,
    timeout: float = 60.0,
) -> LoadResult:
    """GET `path_for(i)` for i in range(requests) over `concurrency` keep-alive connections; time each."""
    result = LoadResult()
    next_i = iter(range(requests))

    async def worker() -> None:
        conn = _Connection(host, port)
        try:
            for i in next_i:
                start = time.perf_counter()
                try:
                    status, _ = await asyncio.wait_for(conn.get(path_for(i)), timeout)
                    if status >= 400:
                        raise HTTPError(f"HTTP {status} for {path_for(i)}")
                except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, HTTPError) as exc:
                    conn.close()
                    result.errors += 1
                    if not result.first_error:
                        result.first_error = f"{type(exc).__name__}: {exc}"[:200]
                else:
                    result.latencies.append(time.perf_counter() - start)
        finally:
            conn.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(max(1, min(concurrency, requests)))))
    result.wall_s = time.perf_counter() - t0
    return result


async def get_once(host: str, port: int, path: str, timeout: float = 10.0) -> tuple[int, bytes]:
    conn = _Connection(host, port)
    try:
        return await asyncio.wait_for(conn.get(path), timeout)
    finally:
        conn.close()
