"""The bench's output: a plain-text table with bars, the article's figures and ratios, or one JSON object."""

from __future__ import annotations

import json

from .modes import Mode
from .stats import ModeStats

BAR_WIDTH = 24


def render_json(label: str, delay_ms: float, requests: int, concurrency: int, ceiling: float, results) -> str:
    return json.dumps(
        {
            "database": label,
            "delay_ms": delay_ms,
            "requests": requests,
            "concurrency": concurrency,
            "ceiling_rps": round(ceiling, 1),
            "modes": [
                {
                    "mode": mode.slug,
                    "rps": round(stats.rps, 1),
                    "p50_ms": round(stats.p50_ms, 2),
                    "p99_ms": round(stats.p99_ms, 2),
                    "errors": stats.errors,
                }
                for mode, stats in results
            ],
        }
    )


def _bar(value: float, top: float) -> str:
    if top <= 0:
        return ""
    eighths = round(value / top * BAR_WIDTH * 8)
    full, part = divmod(eighths, 8)
    return "█" * full + ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")[part]


def ordering_verdict(results: list[tuple[Mode, ModeStats]]) -> str:
    """Whether the article's claim (async/async > sync/sync > async route + sync DB) holds in these results."""
    rps = {mode.slug: stats.rps for mode, stats in results}
    if not {"sync", "async-sync", "async"} <= rps.keys():
        return ""
    holds = rps["async"] > rps["sync"] > rps["async-sync"]
    order = " > ".join(f"{slug} {rps[slug]:,.0f}" for slug in sorted(rps, key=rps.get, reverse=True))
    verdict = "HOLDS" if holds else "does NOT hold"
    return f"The article's ordering (async/async > sync/sync > async route + sync DB) {verdict} here: {order} req/s."


def render_table(label, delay_ms, requests, concurrency, ceiling, results, info=None) -> str:
    lines = [
        f"database    {label}",
        f"load        {requests} requests, concurrency {concurrency}, server-side delay {delay_ms:g} ms, "
        f"one uvicorn worker ({(info or {}).get('stack', '?')}), lean keep-alive HTTP/1.1 client",
        f"ceiling     {ceiling:,.0f} req/s on the no-op endpoint (what the client + server can do with no database)",
    ]
    if info and info.get("notes"):
        lines.append("note        " + "; ".join(info["notes"]))
    lines.append("")
    sync_rps = next((stats.rps for mode, stats in results if mode.slug == "sync"), 0.0)
    top = max([ceiling] + [stats.rps for _, stats in results]) if results else 0.0
    header = f"{'mode':<12} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} {'vs sync':>8} {'article':>8}  bar"
    lines += [header, "-" * len(header)]
    for mode, stats in results:
        ratio = f"{stats.rps / sync_rps:.2f}x" if sync_rps else "-"
        article = f"~{mode.article_rps}" if mode.article_rps else "-"
        lines.append(
            f"{mode.short:<12} {stats.rps:>8,.0f} {stats.p50_ms:>8.1f} {stats.p99_ms:>8.1f} {stats.errors:>6} "
            f"{ratio:>8} {article:>8}  {_bar(stats.rps, top)}"
        )
    lines.append(f"{'(no-op)':<12} {ceiling:>8,.0f} {'':>8} {'':>8} {'':>6} {'':>8} {'':>8}  {_bar(ceiling, top)}")
    lines.append("")
    for mode, stats in results:
        if stats.errors:
            lines.append(f"{mode.short}: {stats.errors} errors, first: {stats.note}")
    lines.append("modes: " + "; ".join(f"{m.short} = {m.title}" for m, _ in results))
    verdict = ordering_verdict(results)
    if verdict:
        lines.append(verdict)
    if delay_ms <= 0:
        lines.append(
            "With no server-side delay the database answers in microseconds, so blocking the loop costs little; "
            "try --delay-ms 5 to see the article's point."
        )
    if label.startswith("SQLite"):
        lines.append("SQLite is a local file: pass a PostgreSQL URL or --embedded-postgres for a more realistic picture.")
    return "\n".join(lines)
