"""The offline answer, quoting a tender's own words: whole sentences, whole lists, each with the
citation of the passage it came from, and a plain "not covered" when nothing answers."""

import re

import pytest

from chat import services
from chat.models import Message
from documents.models import Chunk
from documents.search import chunk_search
from tests.chat.conftest import membership_of
from tests.documents.conftest import ingest

pytestmark = pytest.mark.django_db

REQUIREMENTS = [
    "Hold ISO 9001:2015 certification for quality management.",
    "Hold ISO 14001:2015 certification for environmental management.",
    "Carry public liability insurance of at least £10m.",
    "Carry employer's liability insurance of at least £5m.",
    "Pay all staff the real living wage.",
    "Provide a named account manager within 5 working days of award.",
    "Respond to emergency call-outs within 2 hours, e.g. flooding or power loss.",
    "Submit monthly performance reports to the Council.",
    "Comply with the Council's safeguarding policy.",
]
NUMBERED = [f"1.{n} {item}" for n, item in enumerate(REQUIREMENTS, start=1)]
LETTERED = [f"({letter}) {item}" for letter, item in zip("abcdefghi", REQUIREMENTS, strict=True)]
LEAD_IN = "The Contractor shall meet each of the following nine requirements for the whole term:"
CONTRACT_VALUE = [
    "The estimated contract value is £1.2m per annum (excl. VAT).",
    "Payment is made monthly in arrears.",
    "The Council may extend the contract by up to 24 months, i.e. to a maximum of five years "
    "in total.",
]
EVALUATION = [
    "Tenders are scored 60% on quality and 40% on price.",
    "Dr. Patel of the Council's procurement team chairs the evaluation panel.",
]
SAFETY = [
    "Our operatives wear protective equipment on every site.",
    "Incidents are reported to the site supervisor within one hour.",
    "We review risk assessments every six months.",
]
SENTENCES = [LEAD_IN, *NUMBERED, *LETTERED, *CONTRACT_VALUE, *EVALUATION, *SAFETY]


def tender(items: list[str]) -> str:
    """A tender pack as ingestion stores it: each item a paragraph of its own."""
    return "\n\n".join([
        "# Invitation to tender: facilities management for Northshire Council",
        "## 1. Mandatory requirements", LEAD_IN, *items,
        "## 2. Contract value", " ".join(CONTRACT_VALUE),
        "## 3. Evaluation", " ".join(EVALUATION),
    ])  # fmt: skip


HEALTH_AND_SAFETY = "# Health and safety policy\n\n" + " ".join(SAFETY)


@pytest.fixture
def documents(company, owner, settings):
    settings.CHAT_RATE_LIMIT = 100
    ingest(company, owner, "itt.pdf.md", tender(NUMBERED))
    ingest(company, owner, "health-and-safety.md", HEALTH_AND_SAFETY)


def answer_to(owner, question):
    conversation = services.conversation_create(membership=membership_of(owner))
    return answer_in(conversation, owner, question)


def answer_in(conversation, owner, question) -> Message:
    membership = membership_of(owner)
    events = services.message_send(
        conversation=conversation, membership=membership, question=question
    )
    answer = list(events)[-1].message
    assert answer is not None
    return answer


def quoted_paragraphs(answer):
    """(quoted text, passage number) for each paragraph after the opening line."""
    for paragraph in answer.content.split("\n\n")[1:]:
        quoted = re.fullmatch(r"(.*) \[(\d+)\]", paragraph, re.DOTALL)
        assert quoted, f"{paragraph!r} does not end with its citation"
        yield quoted[1], int(quoted[2])


@pytest.mark.parametrize("items", [NUMBERED, LETTERED], ids=["1.1-1.9", "(a)-(i)"])
def test_a_question_about_a_list_quotes_all_its_items_each_on_its_own_line(
    company, owner, settings, items
):
    ingest(company, owner, "itt.pdf.md", tender(items))

    answer = answer_to(owner, "What are the mandatory requirements?")

    lines = answer.content.splitlines()
    for item in items:
        assert item in lines or f"{item} [1]" in lines
    assert LEAD_IN in lines
    assert [c["document_title"] for c in answer.citations] == ["itt.pdf.md"]


def test_a_question_about_one_item_of_a_list_quotes_the_whole_list(documents, owner):
    answer = answer_to(owner, "What insurance must the contractor carry?")

    for item in NUMBERED:
        assert item in answer.content
    assert answer.content.count("1.3 Carry public liability insurance") == 1
    assert "contract value" not in answer.content  # the contractor is not the contract


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        ("What is the contract value?",
         "The estimated contract value is £1.2m per annum (excl. VAT)."),
        ("How long can the contract be extended?",
         "The Council may extend the contract by up to 24 months, i.e. to a maximum of five "
         "years in total."),
        ("Who chairs the evaluation panel?",
         "Dr. Patel of the Council's procurement team chairs the evaluation panel."),
    ],
)  # fmt: skip
def test_abbreviations_and_figures_do_not_cut_a_sentence(documents, owner, question, sentence):
    answer = answer_to(owner, question)

    assert sentence in answer.content


@pytest.mark.parametrize(
    "question",
    [
        "What is the contract value?",
        "Who chairs the evaluation panel?",
        "What insurance must the contractor carry?",
        "What do we do about incidents on site?",
    ],
)
def test_every_quoted_sentence_is_whole_and_cited_to_the_passage_it_comes_from(
    documents, owner, question
):
    answer = answer_to(owner, question)

    assert answer.citations
    passages = {c["number"]: Chunk.objects.get(pk=c["chunk"]).text for c in answer.citations}
    for text, number in quoted_paragraphs(answer):
        assert whole_sentences_of(passages[number], text), f"{text!r} is not [{number}]'s"


def whole_sentences_of(passage: str, text: str) -> bool:
    """Whether the text is nothing but whole sentences of the passage, one after another."""
    rest = text
    while rest:
        sentence = next((s for s in SENTENCES if rest.startswith(s) and s in passage), None)
        if sentence is None:
            return False
        rest = rest.removeprefix(sentence).lstrip()
    return True


@pytest.mark.parametrize(
    "question",
    [
        "What is the council's parking policy for staff?",
        "What is our policy on drones and aerial surveys?",
    ],
)
def test_a_question_no_document_answers_is_plainly_not_covered(
    documents, owner, settings, question
):
    passages = chunk_search(membership=membership_of(owner), query=question, k=6)
    assert passages[0].similarity >= settings.CHAT_MIN_RELEVANCE  # words in common, no answer

    answer = answer_to(owner, question)

    assert answer.content == services.NOT_COVERED
    assert answer.content.startswith("Your documents do not cover this.")
    assert answer.citations == []


def test_a_short_question_on_a_new_subject_is_answered_after_another(documents, owner):
    conversation = services.conversation_create(membership=membership_of(owner))
    answer_in(conversation, owner, "What insurance must the contractor carry?")

    answer = answer_in(conversation, owner, "Who chairs the evaluation panel?")

    assert "Dr. Patel of the Council's procurement team chairs the evaluation panel." in (
        answer.content
    )
    assert "insurance" not in answer.content  # the earlier question is not answered again
