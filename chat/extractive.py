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

SENTENCE_BREAK = re.compile(r"(?<=[.!?:])\s+(?=[\"'(\[]?[A-Z0-9]|[-*•]\s)")
# Lines of a list or a table stand on their own; other line breaks are only wrapping.
ROW = re.compile(r"^([-*•]|\d+[.)])\s|\s\|\s")
BULLET = re.compile(r"^[-*•]\s+")
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
    headings = [passage.heading for passage in prompt.passages]
    topic = prompt.topic or prompt.question
    question, *terms = lexemes_of([topic, *headings, *(s.text for s in candidates)])
    sections = dict(zip((passage.number for passage in prompt.passages), terms, strict=False))
    sentences = [
        replace(s, terms=frozenset(t))
        for s, t in zip(candidates, terms[len(headings) :], strict=True)
    ]
    scores = [_score(question, s.terms, sections[s.passage.number]) for s in sentences]
    by_passage: dict[int, list[Sentence]] = {}
    for sentence in sorted(
        _choose(sentences, scores), key=lambda s: (s.passage.number, s.position)
    ):
        by_passage.setdefault(sentence.passage.number, []).append(sentence)
    return [(group[0].passage, group) for group in by_passage.values()]


def _score(question: set[str], sentence: frozenset[str], section: set[str]) -> float:
    """Share of the question's terms the sentence carries; its section's heading counts half
    (a sentence under "Social value > Fair pay" is about social value)."""
    if not question:
        return 0.0
    return (len(question & sentence) + len((question & section) - sentence) / 2) / len(question)


def _sentences(passages: list[Passage]) -> list[Sentence]:
    found: list[Sentence] = []
    for passage in passages:
        found.extend(
            Sentence(passage, position, part, frozenset())
            for position, part in enumerate(_units(passage.text))
            if len(part.split()) >= MIN_WORDS and not INSTRUCTION.search(part)
        )
    return found


def _units(text: str) -> Iterator[str]:
    """Sentences of prose (however its lines wrap), and list items and table rows whole."""
    prose: list[str] = []
    for line in (line.strip() for line in text.splitlines()):
        if line and not ROW.search(line):
            prose.append(line)
            continue
        yield from _split(" ".join(prose))
        prose = []
        if line:
            yield BULLET.sub("", line)
    yield from _split(" ".join(prose))


def _split(prose: str) -> Iterator[str]:
    for sentence in SENTENCE_BREAK.split(prose):
        if sentence := BULLET.sub("", sentence.strip()):
            yield sentence


def _choose(sentences: list[Sentence], scores: list[float]) -> list[Sentence]:
    """Best-scoring sentences first, skipping near-duplicates, within the budgets. Within a
    passage only sentences scoring at least half its best one count (the rest is padding).

    Passages come ranked by relevance, so when no sentence shares a term with the question
    (a paraphrase the dense search understood) the best passage's opening sentences lead.
    """
    best_in_passage: dict[int, float] = {}
    for sentence, score in zip(sentences, scores, strict=True):
        number = sentence.passage.number
        best_in_passage[number] = max(score, best_in_passage.get(number, 0.0))
    ranked = sorted(
        ((sentence, score) for sentence, score in zip(sentences, scores, strict=True)
         if score > 0 and score >= best_in_passage[sentence.passage.number] / 2),
        key=lambda pair: (-pair[1], pair[0].passage.number, pair[0].position),
    )  # fmt: skip
    if not ranked and sentences:
        best = sentences[0].passage
        ranked = [(sentence, 0.0) for sentence in sentences if sentence.passage == best]
    chosen: list[Sentence] = []
    words = 0
    for sentence, _ in ranked:
        if chosen and words + sentence.words > WORD_BUDGET:
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
