"""Deterministic, readable rows for the sample database from a fixed seed (no network, no global random).

Rows are dicts keyed by column name. Users and posts are small lists; comments and events are generators,
so a million events stream through `chunked()` in batches. `NOTABLE` names the rows tests and help screens use.
"""

from __future__ import annotations

import json
import unicodedata
from bisect import bisect_left
from datetime import datetime, timedelta
from itertools import islice
from random import Random
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator, TypeVar

SEED = 2024
USERS = 1_000
POSTS = 10_000
COMMENTS = 30_000
DOCUMENTS = 2_000

# Every timestamp is relative to this instant (naive UTC), never to the clock.
REFERENCE_TIME = datetime(2025, 6, 30, 12, 0, 0)
_USERS_FROM = datetime(2022, 1, 1)

# Rows with known content, for tests, docs and the help screen. Keep in sync with the generators below.
NOTABLE: dict[str, object] = {
    # The seed article's `select(User).where(User.email == email)`: user id 1.
    "first_user_email": "ada@example.com",
    "first_user_id": 1,
    "first_user_name": "Ada Lovelace",  # unique: `.where(User.name == ...)` then `.scalars().one()` works
    "first_user_post_count": 3,
    "draft_post_id": 3,  # Ada's third post: published_at is NULL
    # Two users share this name: `.scalars().one()` raises MultipleResultsFound.
    "duplicate_name": "Sam Taylor",
    "duplicate_name_ids": (7, 42),
    "missing_email": "nobody@example.com",  # no such user: `.one()` raises NoResultFound, `.first()` is None
    "inactive_user_id": 13,  # is_active is false
    "unicode_user_ids": (4, 5, 6),  # names with non-ASCII letters (Zoë Ñúñez, 李雷, Søren O'Brien)
    # Users whose id is a multiple of 25 never post (40 users; a few others happen not to either).
    "no_posts_every": 25,
    "user_without_posts_id": 25,
    # Drafts and posts whose id is a multiple of 100 have no comments.
    "post_without_comments_id": 100,
}

FIRST_NAMES = [
    "Alice", "Bruno", "Chloé", "Dmitri", "Elena", "Farid", "Giulia", "Hana", "Iñaki", "Jonas", "Kofi", "Lena",
    "Mateo", "Nadia", "Oğuz", "Priya", "Quentin", "Rosa", "Siobhán", "Tomás", "Umar", "Valentina", "Wei",
    "Ximena", "Yusuf", "Zara", "Björn", "Amara", "Léa", "Marek", "Noor", "Pavel", "Rui", "Sofía", "Taro",
    "Uma", "Vikram", "Wanjiru", "Yuki", "Ana", "Ben", "Carmen", "David", "Emma", "Felix", "Grace", "Hugo",
    "Ines", "Jamal", "Kira", "Liam", "Maya", "Nils", "Olga", "Pedro", "Ravi", "Sara", "Theo", "Ulla", "Zoltán",
]
LAST_NAMES = [
    "García", "Müller", "Nowak", "Kowalski", "Nakamura", "Okafor", "Rossi", "Dubois", "Novák", "Şahin",
    "Jönsson", "Nguyễn", "Kim", "Patel", "Silva", "Smith", "Johnson", "Brown", "Andersen", "Ivanova",
    "Hernández", "Fischer", "Moreau", "Costa", "Yilmaz", "Tanaka", "Mensah", "Kaur", "Larsen", "Horvat",
    "Byrne", "Santos", "Weber", "Lindqvist", "Popescu", "Ahmed", "Chen", "Lopez", "Schmidt", "Virtanen",
    "Murphy", "Papadopoulos", "Eriksen", "Bianchi", "Dvořák", "Haddad", "Owusu", "Reyes", "Sato", "Wójcik",
]
# (id, name, email, is_active) rows written before the generated ones.
_FIXED_USERS = {
    1: ("Ada Lovelace", "ada@example.com", True),
    2: ("Grace Hopper", "grace@example.com", True),
    3: ("Edgar Codd", "ted.codd@example.org", True),
    4: ("Zoë Ñúñez", "zoe.nunez@example.net", True),
    5: ("李雷", "li.lei@example.cn", True),
    6: ("Søren O'Brien", "soren.obrien@example.ie", True),
    7: ("Sam Taylor", "sam.taylor@example.com", True),
    13: ("Mallory Quinn", "mallory@example.com", False),
    42: ("Sam Taylor", "sam.taylor42@example.org", True),
}
_ADA_POSTS = [
    ("Hello, async SQLAlchemy", "Moving a FastAPI app from Session to AsyncSession, one route at a time.", True),
    ("Tray, box, food: reading a Result", "execute() hands you a tray of rows; scalars() takes the food out of "
     "each box; first(), all() and one() put it on your plate.", True),
    ("Draft: vectors in PostgreSQL", "Notes on pgvector's l2_distance, not finished yet.", False),
]

_TOPICS = ["async SQLAlchemy", "FastAPI", "PostgreSQL", "SQLite", "indexes", "migrations", "connection pools",
           "pgvector", "testing", "type hints", "Textual", "caching", "transactions", "JSON columns",
           "sourdough", "sailing", "gardening", "jazz", "chess", "hiking", "café culture", "naïve Bayes"]
_TITLE_FORMS = ["Notes on {t}", "Why I like {t}", "A week with {t}", "{t}: lessons learned",
                "Getting started with {t}", "Five mistakes with {t}", "{t} in practice", "Questions about {t}",
                "Rethinking {t}", "{t}, revisited"]
_SENTENCES = [
    "I tried this on a small project first.", "The documentation explains it better than I can.",
    "It took a while before it clicked.", "Benchmarks were surprising.", "Here is what I changed.",
    "The error message pointed me in the right direction.", "Most of the time the defaults are fine.",
    "Measure before you optimise.", "This works well until the table grows.", "Thanks to everyone who replied.",
    "I will write a follow-up next month.", "Your mileage may vary.", "The trick is to keep sessions short.",
    "Nothing beats reading the source.", "It is simpler than it looks.", "Ça marche très bien.",
    "Das hat mich überrascht.", "结果很好。", "¿Alguien más lo probó?", "Works on my machine™.",
]
_COMMENTS = [
    "Great post!", "Thanks, this helped.", "I ran into the same problem.", "Could you share the full example?",
    "This saved me an afternoon.", "I disagree with the second point.", "Nice write-up 👍", "Merci beaucoup !",
    "Sehr hilfreich, danke.", "很有帮助，谢谢！", "¡Gracias por compartir!", "What about PostgreSQL?",
    "Does this work with SQLite too?", "Bookmarked.", "+1", "Interesting benchmark numbers.",
    "Have you tried selectinload here?", "The N+1 problem strikes again 😅", "Typo in the third paragraph.",
    "Looking forward to part two.",
]
_PATHS = ["/", "/posts", "/posts/", "/users/", "/search", "/settings", "/about"]
_PATH_TAKES_ID = [False, False, True, True, False, False, False]
_CLICKS = ["like", "share", "reply", "follow"]
_QUERIES = ["async session", "pgvector", "scalars first", "selectinload", "sqlite wal", "fastapi depends"]
# (kind, cumulative weight)
_EVENT_KINDS = [("page_view", 0.55), ("click", 0.75), ("search", 0.85), ("login", 0.95), ("logout", 1.0)]

T = TypeVar("T")


def chunked(rows: Iterable[T], size: int) -> Iterator[list[T]]:
    """Split an iterable into lists of at most `size` items."""
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _ascii_slug(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed.lower() if "a" <= ch <= "z")


def _seconds(rng: Random, start: datetime, end: datetime) -> datetime:
    """A whole-second instant between start and end."""
    span = int((end - start).total_seconds())
    return start + timedelta(seconds=rng.randrange(max(span, 1)))


def _paragraph(rng: Random, low: int, high: int) -> str:
    return " ".join(rng.sample(_SENTENCES, rng.randint(low, high)))


def user_rows(count: int = USERS, seed: int = SEED) -> list[dict]:
    """`count` users: the fixed ones of `NOTABLE`, then generated, unique names."""
    rng = Random(seed)
    reserved = {name for name, _, _ in _FIXED_USERS.values()}
    names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    names = [n for n in names if n not in reserved]
    rng.shuffle(names)
    domains = ["example.com", "example.org", "example.net"]
    rows = []
    generated = iter(names)
    for user_id in range(1, count + 1):
        created_at = _seconds(rng, _USERS_FROM, REFERENCE_TIME - timedelta(days=180))
        if user_id in _FIXED_USERS:
            name, email, active = _FIXED_USERS[user_id]
        else:
            name = next(generated)
            first, last = name.split(" ", 1)
            email = f"{_ascii_slug(first)}.{_ascii_slug(last)}{user_id}@{domains[user_id % 3]}"
            active = rng.random() > 0.08
        rows.append({"id": user_id, "email": email, "name": name, "is_active": active, "created_at": created_at})
    return rows


def post_rows(users: list[dict], count: int = POSTS, seed: int = SEED) -> list[dict]:
    """`count` posts: Ada's three, then posts by a skewed choice of authors; about 12% are drafts."""
    rng = Random(seed + 1)
    joined = {u["id"]: u["created_at"] for u in users}
    rows = []
    ada = users[0]["id"]
    for offset, (title, body, published) in enumerate(_ADA_POSTS):
        when = joined[ada] + timedelta(days=30 * (offset + 1), hours=9)
        rows.append({"id": offset + 1, "user_id": ada, "title": title, "body": body,
                     "published_at": when if published else None})
    every = int(NOTABLE["no_posts_every"])
    authors = [u["id"] for u in users if u["id"] != ada and u["id"] % every != 0]
    # A few prolific authors, a long tail of occasional ones.
    weights = [1.0 / (1 + (rank % 97)) ** 0.8 for rank in range(len(authors))]
    chosen = rng.choices(authors, weights=weights, k=max(count - len(rows), 0))
    for post_id, author in enumerate(chosen, start=len(rows) + 1):
        topic = rng.choice(_TOPICS)
        title = rng.choice(_TITLE_FORMS).format(t=topic)
        title = title[0].upper() + title[1:]
        published = None if rng.random() < 0.12 else _seconds(rng, joined[author], REFERENCE_TIME)
        rows.append({"id": post_id, "user_id": author, "title": title, "body": _paragraph(rng, 2, 5),
                     "published_at": published})
    return rows


def comment_rows(posts: list[dict], user_count: int = USERS, count: int = COMMENTS,
                 seed: int = SEED) -> Iterator[dict]:
    """`count` comments on published posts (never on drafts or on posts whose id is a multiple of 100)."""
    rng = Random(seed + 2)
    skip = int(NOTABLE["post_without_comments_id"])
    open_posts = [p for p in posts if p["published_at"] is not None and p["id"] % skip != 0]
    weights = [1.0 + (p["id"] % 7 == 0) * 4.0 for p in open_posts]
    targets = rng.choices(open_posts, weights=weights, k=count)
    for comment_id, post in enumerate(targets, start=1):
        created = _seconds(rng, post["published_at"], REFERENCE_TIME)
        body = rng.choice(_COMMENTS)
        if rng.random() < 0.3:
            body = f"{body} {rng.choice(_SENTENCES)}"
        yield {"id": comment_id, "post_id": post["id"], "user_id": rng.randint(1, user_count), "body": body,
               "created_at": created}


def _payload(pick: Callable[[], float], kind: str) -> str | None:
    """The payload as JSON text (exactly what `json.dumps` writes), built directly: this is the hot loop."""
    if kind == "page_view":
        i = int(pick() * len(_PATHS))
        path = _PATHS[i] + str(int(pick() * POSTS) + 1) if _PATH_TAKES_ID[i] else _PATHS[i]
        return f'{{"path": "{path}", "ms": {3 + int(pick() * 900)}}}'
    if kind == "click":
        return f'{{"target": "{_CLICKS[int(pick() * len(_CLICKS))]}", "post_id": {int(pick() * POSTS) + 1}}}'
    if kind == "search":
        return f'{{"q": "{_QUERIES[int(pick() * len(_QUERIES))]}", "results": {int(pick() * 51)}}}'
    if kind == "login":
        ip = f"10.{int(pick() * 256)}.{int(pick() * 256)}.{1 + int(pick() * 254)}"
        return f'{{"ip": "{ip}", "ok": {"true" if pick() > 0.05 else "false"}}}'
    return None


EVENT_COLUMNS = ("id", "user_id", "kind", "payload", "created_at")


@lru_cache(maxsize=1)
def _clock_texts() -> tuple[str, ...]:
    """'HH:MM:SS.000000' for every second of a day (SQLAlchemy's SQLite DATETIME text, time part)."""
    return tuple(f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.000000" for s in range(86_400))


def event_tuples(count: int, user_count: int = USERS, seed: int = SEED, days: int = 90,
                 sqlite_text: bool = False) -> Iterator[tuple]:
    """`count` events as tuples in EVENT_COLUMNS order, payload as JSON text (or None), in time order.

    They cover the `days` before REFERENCE_TIME; streamed, never held in memory. `created_at` is a datetime,
    or with `sqlite_text` the text SQLAlchemy's SQLite DateTime stores ('YYYY-MM-DD HH:MM:SS.ffffff').
    """
    pick = Random(seed + 3).random
    start = REFERENCE_TIME - timedelta(days=days)
    step = days * 86_400 / max(count, 1)
    kinds = [k for k, _ in _EVENT_KINDS]
    cumulative = [w for _, w in _EVENT_KINDS]
    first_second = start.hour * 3600 + start.minute * 60 + start.second
    dates = [(start.date() + timedelta(days=d)).isoformat() + " " for d in range(days + 2)]
    clock = _clock_texts() if sqlite_text else ()
    for event_id in range(1, count + 1):
        kind = kinds[bisect_left(cumulative, pick())]
        seconds = int((event_id - 1 + pick()) * step)
        if sqlite_text:
            moment = first_second + seconds
            created: Any = dates[moment // 86_400] + clock[moment % 86_400]
        else:
            created = start + timedelta(seconds=seconds)
        yield event_id, int(pick() * user_count) + 1, kind, _payload(pick, kind), created


def event_rows(count: int, user_count: int = USERS, seed: int = SEED, days: int = 90) -> Iterator[dict]:
    """The same events as `event_tuples`, as dicts with the payload decoded (a dict or None)."""
    for event_id, user_id, kind, payload, created in event_tuples(count, user_count, seed, days):
        yield {"id": event_id, "user_id": user_id, "kind": kind,
               "payload": None if payload is None else json.loads(payload), "created_at": created}
