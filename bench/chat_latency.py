"""Chat with the offline (extractive) provider over 100k chunks: time to first streamed piece
and total time per answer, p50/p95 (target p95 time-to-first-token <= 300 ms on 2 cores).

The asking company holds every chunk: a few thousand real passages (case studies embedded by
the real local model, which the questions are about) among filler chunks with Zipf-distributed
words plus the trade's words and now and then a client's name (as the questions use them), and
clustered vectors: distractors for both search legs. Each question goes through
the whole path a user's does: store the question, hybrid search, compose, stream, store the
answer. Uses a throwaway database on the running PostgreSQL.

    .venv/bin/python bench/chat_latency.py [--chunks 100000] [--passages 2000] [--questions 60]
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bidscript.settings")
os.environ.setdefault("DEBUG", "true")

from bench.search import CLUSTERS  # noqa: E402 - after the path is set
from bench.search import chunk_texts  # noqa: E402
from bench.search import clustered_vectors  # noqa: E402

CLIENTS = ["Kent County Council", "NHS Lothian", "Leeds Teaching Hospitals", "Bristol City Council",
           "Network Rail", "Transport for Wales", "Ministry of Justice", "Highways England",
           "Glasgow Housing", "Ofsted", "Environment Agency", "HM Revenue and Customs"]  # fmt: skip
SERVICES = ["office cleaning", "security guarding", "school catering", "waste collection",
            "grounds maintenance", "facilities management", "pest control", "window cleaning"]  # fmt: skip
OUTCOMES = ["complaints", "energy use", "sickness absence", "carbon emissions", "response times"]
# Filler chunks share the questions' words as a bid library would: the trade's words are
# everywhere (each in about 10% of chunks), a client's name is in about one chunk in 500.
TRADE_WORDS = sorted({word for phrase in SERVICES + OUTCOMES for word in phrase.split()}
                     | {"staff", "contract", "delivered", "reduced", "sites", "team", "year"})  # fmt: skip
CLIENT_WORDS = sorted({word for client in CLIENTS for word in client.split()})


def case_study(rng: random.Random, number: int) -> tuple[str, str]:
    """A passage of company evidence and a question it answers."""
    client, service, outcome = rng.choice(CLIENTS), rng.choice(SERVICES), rng.choice(OUTCOMES)
    sites, staff, cut, year = (
        rng.randint(3, 90),
        rng.randint(10, 400),
        rng.randint(5, 60),
        rng.randint(2012, 2025),
    )
    text = (
        f"Case study {number}: {service} for {client}. Since {year} we have delivered {service} "
        f"across {sites} sites for {client}, with a team of {staff} staff. In the first year we "
        f"reduced {outcome} by {cut}% against the baseline. The contract was renewed twice and the "
        f"client rated our mobilisation as outstanding."
    )  # fmt: skip
    question = rng.choice([
        f"What {service} have we delivered for {client}?",
        f"How much did we reduce {outcome} on the {client} {service} contract?",
        f"How many staff work on {service} for {client}?",
    ])  # fmt: skip
    return text, question


def filler_texts(rng: random.Random, count: int) -> list[str]:
    def shared() -> list[str]:
        return rng.sample(TRADE_WORDS, 3) + (
            [rng.choice(CLIENT_WORDS)] if rng.random() < 0.05 else []
        )

    return [f"{text} {' '.join(shared())}" for text in chunk_texts(rng, count)]


def populate(total: int, passages: int) -> tuple[Any, list[str]]:
    """One company holding ``total`` chunks; its owner's membership and the questions."""
    from accounts.models import Membership
    from accounts.models import User
    from accounts.services import company_create
    from documents import bm25
    from documents.embeddings import embedder
    from documents.models import Chunk
    from documents.models import Document

    rng, nprng = random.Random(5), np.random.default_rng(5)
    user = User.objects.create_user(email="writer@bench.test")
    company = company_create(name="Bench Bids", owner=user)

    def document(title: str) -> Document:
        return Document.objects.create(
            company=company, uploaded_by=user, title=title, filename=f"{title}.txt", kind="text",
            content_type="text/plain", size=1, sha256=f"{title:0<64}"[:64], file="bench/none.txt",
            status=Document.Status.READY,
        )  # fmt: skip

    evidence = [case_study(rng, number) for number in range(passages)]
    started = time.perf_counter()
    vectors = embedder().embed([text for text, _ in evidence])
    print(
        f"  embedded {passages} real passages in {time.perf_counter() - started:.0f} s", flush=True
    )
    studies = document("case-studies")
    Chunk.objects.bulk_create(
        Chunk(document=studies, company=company, label="reference", ordinal=i, page_start=i // 3 + 1,
              page_end=i // 3 + 1, heading="Case studies", text=text, token_count=len(text.split()), embedding=vector)
        for i, ((text, _), vector) in enumerate(zip(evidence, vectors, strict=True))
    )  # fmt: skip
    centres = nprng.normal(size=(CLUSTERS, vectors.shape[1]))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    filler = document("filler")
    for start in range(0, total - passages, 5000):
        batch = min(5000, total - passages - start)
        Chunk.objects.bulk_create(
            Chunk(document=filler, company=company, label="reference", ordinal=start + i, page_start=1,
                  page_end=1, heading="", text=text, token_count=len(text.split()), embedding=vector)
            for i, (text, vector) in enumerate(zip(filler_texts(rng, batch), clustered_vectors(nprng, centres, batch), strict=True))
        )  # fmt: skip
    for each in (studies, filler):
        bm25.index_document(each.pk)
    membership = Membership.objects.select_related("company", "user").get(
        user=user, company=company
    )
    return membership, [question for _, question in evidence]


def ask(membership: Any, question: str) -> tuple[float, float, bool]:
    """(time to first piece, total time) in ms, and whether the answer cited anything."""
    from chat import services

    conversation = services.conversation_create(membership=membership)
    began = time.perf_counter()
    first = None
    cited = False
    for event in services.message_send(
        conversation=conversation, membership=membership, question=question
    ):
        if event.kind == "delta" and first is None:
            first = time.perf_counter()
        if event.kind == "done" and event.message is not None:
            cited = bool(event.message.citations)
    total = time.perf_counter()
    return ((first or total) - began) * 1000, (total - began) * 1000, cited


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--passages", type=int, default=2_000)
    parser.add_argument("--questions", type=int, default=60)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    from bench.common import throwaway_database
    from bench.common import vectors_indexed_after

    settings.LLM_PROVIDER = "extractive"
    settings.CHAT_RATE_LIMIT = 1_000_000
    with throwaway_database("bidscript_bench_chat"):
        started = time.perf_counter()
        print(f"building {args.chunks} chunks …", flush=True)
        with vectors_indexed_after():
            membership, questions = populate(args.chunks, args.passages)
        print(f"built in {time.perf_counter() - started:.0f} s\n", flush=True)
        rng = random.Random(3)
        ask(membership, "warm up the model and the caches")
        results = [ask(membership, rng.choice(questions)) for _ in range(args.questions)]
        first, total, cited = zip(*results, strict=True)
        report("time to first piece", list(first))
        report("total per answer", list(total))
        print(f"answers citing a passage: {sum(cited)}/{len(cited)}")
        print("\ntarget: p95 time to first piece <= 300 ms")


def report(name: str, values: list[float]) -> None:
    p95 = statistics.quantiles(values, n=20, method="inclusive")[-1]
    print(
        f"{name:>20}: p50 {statistics.median(values):6.1f} ms   p95 {p95:6.1f} ms   max {max(values):6.1f} ms"
    )


if __name__ == "__main__":
    main()
