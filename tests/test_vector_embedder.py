"""The offline embedders and the deterministic documents."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import numpy as np
import pytest

from sqla_explore.sample_db import embedder as emb
from sqla_explore.sample_db.documents import EMBEDDER_NAME, EMBEDDING_DIM, TOPICS, document_records, document_texts

from vector_helpers import KNOWN_QUERIES


def test_wordllama_loads_offline_from_the_wheel():
    model = emb.get_embedder(emb.WORDLLAMA_NAME)
    assert model.kind == "wordllama" and model.dim == EMBEDDING_DIM == 256
    vectors = model.embed(["the telescope and the stars", ""])
    assert vectors.shape == (2, 256) and vectors.dtype == np.float32
    assert np.isclose(np.linalg.norm(vectors[0]), 1.0, atol=1e-5)
    assert not np.any(vectors[1])  # empty text: a zero vector, never NaN


def test_default_embedder_is_wordllama_here():
    assert EMBEDDER_NAME == emb.WORDLLAMA_NAME == emb.default_embedder_name()


def test_lexical_embedder_is_deterministic_across_processes():
    code = ("from sqla_explore.sample_db.embedder import LexicalEmbedder;"
            "print(LexicalEmbedder().embed(['hashing is stable'])[0][:8].tolist())")
    outputs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env={"PYTHONHASHSEED": seed, "PATH": ""}, check=True).stdout for seed in ("1", "2")}
    assert len(outputs) == 1  # crc32, not the salted hash()
    lexical = emb.LexicalEmbedder()
    assert lexical.kind == "lexical"
    same = lexical.embed(["sailing boats", "sailing boat"])
    other = lexical.embed(["database index"])
    assert same[0] @ same[1] > same[0] @ other[0]


def test_unknown_embedder_is_refused():
    with pytest.raises(emb.EmbedderUnavailable, match="unknown embedder"):
        emb.get_embedder("openai-ada-002")


def test_documents_are_deterministic_and_readable():
    first = list(document_records(30))
    again = list(document_records(30))
    assert [d["title"] for d in first] == [d["title"] for d in again]
    assert all(np.array_equal(a["embedding"], b["embedding"]) for a, b in zip(first, again))
    for doc in first:
        assert set(doc) == {"title", "body", "topic", "embedding"}
        assert doc["topic"] in TOPICS and doc["title"] and doc["body"].endswith(".")
        assert len(doc["embedding"]) == EMBEDDING_DIM
    topics = Counter(d["topic"] for d in document_texts(600))
    assert set(topics) == set(TOPICS) and min(topics.values()) > 50


def test_paraphrased_questions_find_their_topic_in_memory():
    docs = list(document_records(600))
    matrix = np.stack([d["embedding"] for d in docs])
    model = emb.get_embedder()
    for topic, question in KNOWN_QUERIES.items():
        scores = matrix @ model.embed([question])[0]
        top = [docs[i]["topic"] for i in np.argsort(-scores)[:5]]
        assert top.count(topic) >= 4, (question, top)
