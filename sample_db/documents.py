"""Deterministic sample documents (a few topics, short readable texts) with their offline embeddings."""

from __future__ import annotations

import random
from typing import Iterator

from .embedder import EMBEDDING_DIM, default_embedder_name, get_embedder

__all__ = ["EMBEDDING_DIM", "EMBEDDER_NAME", "TOPICS", "document_records", "document_texts"]

SEED = 20240611
# The embedder that builds the stored vectors (WordLlama when its bundled files are present).
EMBEDDER_NAME: str = default_embedder_name()

# topic -> (subjects, actions, details); sentences are assembled from these pieces.
TOPICS: dict[str, tuple[list[str], list[str], list[str]]] = {
    "astronomy": (
        ["the telescope", "a distant galaxy", "the comet", "Jupiter's moons", "the night sky", "a red giant star",
         "the lunar eclipse", "a meteor shower", "the observatory", "the Milky Way"],
        ["was observed through", "appears brighter than", "orbits close to", "was photographed with",
         "drifts slowly across", "was mapped by", "glows faintly near"],
        ["a cold clear night", "the southern horizon", "an amateur astronomer's lens", "the planet's rings",
         "a dark rural sky", "the orbit of Mars", "a spectrograph", "light years of dust"],
    ),
    "cooking": (
        ["the risotto", "a loaf of sourdough", "the tomato sauce", "a pan of roasted vegetables", "the soup",
         "the chef", "a lemon tart", "fresh pasta", "the curry", "a pot of stew"],
        ["simmers gently with", "was seasoned with", "bakes in the oven with", "is served alongside",
         "was stirred into", "tastes better with", "was garnished with"],
        ["garlic and olive oil", "a pinch of salt", "fresh basil leaves", "melted butter", "toasted spices",
         "grated parmesan", "slow-cooked onions", "a splash of white wine"],
    ),
    "gardening": (
        ["the rose bushes", "a row of tomato seedlings", "the compost heap", "the vegetable bed",
         "the apple tree", "tulip bulbs", "the lawn", "a pot of herbs", "the hedge", "climbing beans"],
        ["grows quickly in", "needs watering during", "was pruned before", "was planted in",
         "blooms every year in", "thrives beside", "was mulched with"],
        ["rich loamy soil", "early spring", "the greenhouse", "a sunny corner of the garden", "dry summer weeks",
         "fallen autumn leaves", "well-drained beds", "the allotment"],
    ),
    "sailing": (
        ["the sailboat", "a small dinghy", "the crew", "the mainsail", "the harbour", "the skipper",
         "a racing yacht", "the anchor", "the jib", "the catamaran"],
        ["tacked against", "was trimmed to catch", "drifted toward", "raced across", "was moored in",
         "heeled hard in", "navigated through"],
        ["a strong westerly wind", "choppy open water", "the rocky coastline", "a calm sheltered bay",
         "the rising tide", "a squall at sea", "the lighthouse channel", "rolling ocean swells"],
    ),
    "databases": (
        ["the query planner", "a B-tree index", "the transaction log", "the primary key", "a foreign key",
         "the connection pool", "the SQL statement", "a materialized view", "the table scan",
         "the replication slot"],
        ["speeds up", "was tuned for", "locks rows during", "is rewritten by", "slows down under",
         "was vacuumed after", "joins efficiently with"],
        ["a heavy write load", "concurrent transactions", "a large table of orders", "an indexed column",
         "the nightly backup", "a slow aggregate query", "the schema migration", "a read replica"],
    ),
    "music": (
        ["the orchestra", "a jazz quartet", "the violinist", "the piano sonata", "the choir", "a drummer",
         "the symphony", "an acoustic guitar", "the opera singer", "the string section"],
        ["performed beautifully with", "was rehearsed for", "improvised over", "was recorded during",
         "kept time with", "harmonised with", "tuned carefully before"],
        ["a slow minor melody", "the concert hall audience", "a lively rhythm", "the final movement",
         "a soft chord progression", "the conductor's baton", "an evening recital", "a festival stage"],
    ),
}

_OPENERS = ["Notes on", "A short guide to", "Why", "How", "Thoughts about", "Field report:", "On"]


def _sentence(rng: random.Random, topic: str) -> str:
    subjects, actions, details = TOPICS[topic]
    text = f"{rng.choice(subjects)} {rng.choice(actions)} {rng.choice(details)}."
    return text[0].upper() + text[1:]


def document_texts(count: int, seed: int = SEED) -> Iterator[dict]:
    """`count` documents without embeddings: {"title", "body", "topic"}; the same for the same seed."""
    rng = random.Random(seed)
    names = sorted(TOPICS)
    for _ in range(count):
        topic = rng.choice(names)
        subjects = TOPICS[topic][0]
        title = f"{rng.choice(_OPENERS)} {rng.choice(subjects)}"
        body = " ".join(_sentence(rng, topic) for _ in range(rng.randint(2, 4)))
        yield {"title": title, "body": body, "topic": topic}


def embedding_text(title: str, body: str) -> str:
    """What gets embedded for a document."""
    return f"{title}. {body}"


def document_records(count: int, seed: int = SEED, batch: int = 512, embedder_name: str | None = None) -> Iterator[dict]:
    """`count` documents {"title", "body", "topic", "embedding"}; embedding: EMBEDDING_DIM float32 (numpy).

    The vectors come from EMBEDDER_NAME unless `embedder_name` picks another (tests use the lexical one).
    """
    embedder = get_embedder(embedder_name or EMBEDDER_NAME)
    pending: list[dict] = []
    for record in document_texts(count, seed):
        pending.append(record)
        if len(pending) >= batch:
            yield from _embedded(embedder, pending)
            pending = []
    if pending:
        yield from _embedded(embedder, pending)


def _embedded(embedder, records: list[dict]) -> Iterator[dict]:
    vectors = embedder.embed([embedding_text(r["title"], r["body"]) for r in records])
    for record, vector in zip(records, vectors):
        record["embedding"] = vector
        yield record
