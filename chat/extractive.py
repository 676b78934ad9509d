"""The offline provider: an answer composed from the retrieved passages' own sentences.

Deterministic and local. Sentences are scored by how many of the question's terms they carry
(Postgres's English stemming, as search uses), near-duplicates are dropped, and the best are
grouped by passage in reading order, each group followed by its citation marker, within a
word budget. A sentence is only ever quoted whole, and a list whole (its lead-in and every
item) once any part of it is chosen. When no sentence carries most of what the question asks
about, nothing is quoted and the caller says the documents do not cover it. Document text is
only ever quoted: sentences that address the assistant ("ignore previous instructions …") are
left out, and nothing in a passage is acted upon.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import replace

from chat.llm import Passage
from chat.llm import Prompt
from chat.llm import Usage
from chat.sentences import INSTRUCTION
from chat.sentences import Unit
from chat.sentences import units_of
from documents.bm25 import lexemes_of

WORD_BUDGET = 130
MAX_SENTENCES_PER_PASSAGE = 3
MAX_SOURCES = 4
NEAR_DUPLICATE = 0.7
MIN_WORDS = 3
# A sentence answers the question when it carries more than this share of its content terms.
ANSWERS = 0.5
# Words that frame a question rather than name what it is about.
QUESTION_WORDS = (
    "describe provide explain outline give offer list show tell many much long often quickly "
    "take make get need must shall should will can apply answer approach please"
)
# Stems this long that differ only by a last letter are one word ("trainees", "train"), but
# "contractor" is not "contract".
SHARED_STEM = 4


@dataclass(frozen=True)
class Sentence:
    passage: Passage
    position: int
    unit: Unit
    terms: frozenset[str] = frozenset()

    @property
    def text(self) -> str:
        return self.unit.text

    @property
    def list_key(self) -> tuple[int, int] | None:
        return None if self.unit.list_index is None else (self.passage.number, self.unit.list_index)

    @property
    def words(self) -> int:
        return len(self.text.split())


class ExtractiveProvider:
    name = "extractive"
    model = "extractive-1"

    @staticmethod
    def describe(model: str) -> str:
        return "Answer assembled from your documents, no AI model configured"

    def stream(self, prompt: Prompt) -> Iterator[str | Usage]:
        paragraphs = compose(prompt)
        if not paragraphs:  # nothing answers it: the caller says the documents do not cover it
            return
        sources = len(paragraphs)
        documents = len({passage.document_title for passage, _ in paragraphs})
        yield (
            f"Based on {sources} passage{'s' * (sources != 1)} from "
            f"{documents} document{'s' * (documents != 1)}:"
        )
        for passage, sentences in paragraphs:
            yield "\n\n"
            yield from _quoted(sentences)
            yield f" [{passage.number}]"


def _quoted(sentences: list[Sentence]) -> Iterator[str]:
    """The sentences in reading order: prose runs on, each line of a list stands alone."""
    for previous, sentence in zip([None, *sentences], sentences, strict=False):
        if previous is not None:
            in_list = sentence.list_key is not None or previous.list_key is not None
            yield "\n" if in_list else " "
        yield sentence.text if sentence.list_key else _terminated(sentence.text)


def compose(prompt: Prompt) -> list[tuple[Passage, list[Sentence]]]:
    """The chosen sentences grouped by passage: best passages first, sentences in reading
    order. Empty when no sentence answers the question."""
    candidates = _sentences(prompt.passages)
    headings = [passage.heading for passage in prompt.passages]
    topic, asked, framing, *terms = lexemes_of([
        prompt.topic or prompt.question, prompt.question, QUESTION_WORDS,
        *headings, *(s.text for s in candidates),
    ])  # fmt: skip
    sections = dict(zip((passage.number for passage in prompt.passages), terms, strict=False))
    sentences = [
        replace(s, terms=frozenset(t))
        for s, t in zip(candidates, terms[len(headings) :], strict=True)
    ]
    answering = _scores((asked - framing) or topic, sentences, sections)
    if max(answering, default=0.0) <= ANSWERS:
        return []
    # The question decides; for a short follow-up ("when does it expire?") the topic, which
    # includes the question before it, says which of the sentences that answer it come first.
    on_topic = _scores((topic - framing) or topic, sentences, sections)
    scores = [a + t / 100 if a else 0.0 for a, t in zip(answering, on_topic, strict=True)]
    by_passage: dict[int, list[Sentence]] = {}
    for sentence in sorted(
        _with_whole_lists(_choose(sentences, scores), sentences),
        key=lambda s: (s.passage.number, s.position),
    ):
        by_passage.setdefault(sentence.passage.number, []).append(sentence)
    return [(group[0].passage, group) for group in by_passage.values()]


def _scores(
    question: set[str], sentences: list[Sentence], sections: dict[int, set[str]]
) -> list[float]:
    return [
        _score(question, s.terms | _lead_in_terms(s, sentences), sections[s.passage.number])
        for s in sentences
    ]


def _score(question: set[str], sentence: frozenset[str], section: set[str]) -> float:
    """Share of the question's terms the sentence carries; its section's heading counts half
    (a sentence under "Social value > Fair pay" is about social value)."""
    if not question:
        return 0.0
    carried = {term for term in question if _mentions(sentence, term)}
    in_section = {term for term in question - carried if _mentions(section, term)}
    return (len(carried) + len(in_section) / 2) / len(question)


def _lead_in_terms(item: Sentence, sentences: list[Sentence]) -> frozenset[str]:
    """A list item is read with its lead-in: "Bidders must hold: (a) ISO 9001" is about
    what bidders must hold."""
    if item.list_key is None:
        return frozenset()
    lead_ins = (s.terms for s in sentences if s.list_key == item.list_key and s.unit.lead_in)
    return next(lead_ins, frozenset())


def _mentions(terms: frozenset[str] | set[str], term: str) -> bool:
    if term in terms:
        return True
    return any(
        min(len(other), len(term)) >= SHARED_STEM
        and abs(len(other) - len(term)) == 1
        and (other.startswith(term) or term.startswith(other))
        for other in terms
    )


def _sentences(passages: list[Passage]) -> list[Sentence]:
    found: list[Sentence] = []
    for passage in passages:
        found.extend(
            Sentence(passage, position, unit)
            for position, unit in enumerate(units_of(passage.text))
            if _quotable(unit, position)
        )
    return found


def _quotable(unit: Unit, position: int) -> bool:
    # A passage that opens in lower case opens mid-sentence: the start is in the passage before.
    if position == 0 and unit.text[0].islower():
        return False
    return len(unit.text.split()) >= MIN_WORDS and not INSTRUCTION.search(unit.text)


def _choose(sentences: list[Sentence], scores: list[float]) -> list[Sentence]:
    """Best-scoring sentences first, skipping near-duplicates, within the budgets. Within a
    passage only sentences scoring at least half its best one count (the rest is padding).
    A list counts once, with all its words, however many of its items score."""
    best_in_passage: dict[int, float] = {}
    for sentence, score in zip(sentences, scores, strict=True):
        number = sentence.passage.number
        best_in_passage[number] = max(score, best_in_passage.get(number, 0.0))
    ranked = sorted(
        ((sentence, score) for sentence, score in zip(sentences, scores, strict=True)
         if score > 0 and score >= best_in_passage[sentence.passage.number] / 2),
        key=lambda pair: (-pair[1], pair[0].passage.number, pair[0].position),
    )  # fmt: skip
    chosen: list[Sentence] = []
    words = 0
    for sentence, _ in ranked:
        if sentence.list_key is not None and any(o.list_key == sentence.list_key for o in chosen):
            continue
        size = _words_with_list(sentence, sentences)
        if chosen and words + size > WORD_BUDGET:
            continue
        if _crowded(chosen, sentence) or _repeats(chosen, sentence):
            continue
        chosen.append(sentence)
        words += size
    return chosen


def _words_with_list(sentence: Sentence, sentences: list[Sentence]) -> int:
    if sentence.list_key is None:
        return sentence.words
    return sum(other.words for other in sentences if other.list_key == sentence.list_key)


def _with_whole_lists(chosen: list[Sentence], sentences: list[Sentence]) -> list[Sentence]:
    """The chosen sentences, and every item (and the lead-in) of any list one of them is in."""
    lists = {sentence.list_key for sentence in chosen} - {None}
    return [s for s in sentences if s in chosen or s.list_key in lists]


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
