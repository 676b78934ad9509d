"""The offline provider: an answer composed from the retrieved passages' own sentences.

Deterministic and local. Sentences are scored by how many of the question's terms they carry
(Postgres's English stemming, as search uses), near-duplicates are dropped, and the best are
grouped by passage in reading order, each group followed by its citation marker, within a
word budget. Document text is only ever quoted: sentences that address the assistant
("ignore previous instructions …") are left out, and nothing in a passage is acted upon.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import replace

from chat.llm import Passage
from chat.llm import Prompt
from chat.llm import Usage
from documents.bm25 import lexemes_of

WORD_BUDGET = 130
MAX_SENTENCES_PER_PASSAGE = 3
MAX_SOURCES = 4
NEAR_DUPLICATE = 0.7
MIN_WORDS = 3

SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])|\s*\n+\s*")
INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget)\b.{0,40}\b(instructions?|prompts?|rules?)\b"
    r"|\b(system prompt|you are now|as an ai|assistant:)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Sentence:
    passage: Passage
    position: int
    text: str
    terms: frozenset[str]

    @property
    def words(self) -> int:
        return len(self.text.split())


class ExtractiveProvider:
    name = "extractive"
    model = "extractive-1"

    def stream(self, prompt: Prompt) -> Iterator[str | Usage]:
        paragraphs = compose(prompt)
        if not paragraphs:  # nothing quotable: the caller says the documents do not cover it
            return
        sources = len(paragraphs)
        documents = len({passage.document_title for passage, _ in paragraphs})
        yield (
            f"Based on {sources} passage{'s' * (sources != 1)} from "
            f"{documents} document{'s' * (documents != 1)}:"
        )
        for passage, sentences in paragraphs:
            yield "\n\n"
            for sentence in sentences:
                yield _terminated(sentence.text) + " "
            yield f"[{passage.number}]"


def compose(prompt: Prompt) -> list[tuple[Passage, list[Sentence]]]:
    """The chosen sentences grouped by passage: best passages first, sentences in reading order."""
    candidates = _sentences(prompt.passages)
    question, *terms = lexemes_of([prompt.question, *(s.text for s in candidates)])
    sentences = [replace(s, terms=frozenset(t)) for s, t in zip(candidates, terms, strict=True)]
    scores = [len(question & sentence.terms) / max(len(question), 1) for sentence in sentences]
    by_passage: dict[int, list[Sentence]] = {}
    for sentence in sorted(
        _choose(sentences, scores), key=lambda s: (s.passage.number, s.position)
    ):
        by_passage.setdefault(sentence.passage.number, []).append(sentence)
    return [(group[0].passage, group) for group in by_passage.values()]


def _sentences(passages: list[Passage]) -> list[Sentence]:
    found: list[Sentence] = []
    for passage in passages:
        parts = (part.strip() for part in SENTENCE_BREAK.split(passage.text))
        found.extend(
            Sentence(passage, position, part, frozenset())
            for position, part in enumerate(parts)
            if len(part.split()) >= MIN_WORDS and not INSTRUCTION.search(part)
        )
    return found


def _choose(sentences: list[Sentence], scores: list[float]) -> list[Sentence]:
    """Best-scoring sentences first, skipping near-duplicates, within the budgets.

    Passages come ranked by relevance, so when no sentence shares a term with the question
    (a paraphrase the dense search understood) the best passage's opening sentences lead.
    """
    ranked = sorted(
        zip(sentences, scores, strict=True),
        key=lambda pair: (-pair[1], pair[0].passage.number, pair[0].position),
    )
    if ranked and ranked[0][1] == 0:
        best = sentences[0].passage
        ranked = [(sentence, 1.0) for sentence in sentences if sentence.passage == best]
    chosen: list[Sentence] = []
    words = 0
    for sentence, score in ranked:
        if chosen and (score == 0 or words + sentence.words > WORD_BUDGET):
            continue
        if _crowded(chosen, sentence) or _repeats(chosen, sentence):
            continue
        chosen.append(sentence)
        words += sentence.words
    return chosen


def _crowded(chosen: list[Sentence], sentence: Sentence) -> bool:
    same_passage = sum(1 for other in chosen if other.passage == sentence.passage)
    sources = {other.passage.number for other in chosen}
    return same_passage >= MAX_SENTENCES_PER_PASSAGE or (
        sentence.passage.number not in sources and len(sources) >= MAX_SOURCES
    )


def _repeats(chosen: list[Sentence], sentence: Sentence) -> bool:
    """True when an already chosen sentence says nearly the same (overlapping passages do)."""
    for other in chosen:
        union = sentence.terms | other.terms
        if not union or len(sentence.terms & other.terms) / len(union) >= NEAR_DUPLICATE:
            return True
    return False


def _terminated(text: str) -> str:
    return text if text[-1] in ".!?:;)\"'" else f"{text}."
