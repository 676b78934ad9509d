"""Whether a passage asks a question, imposes a requirement or asks for a document, and the
sentence-level signs the item builder needs (guidance that continues a question, definitions,
lead-ins).

- attachment: a document to supply — attach, upload, enclose, "a copy of", certificates,
  insurance certificates, policies, CVs, forms to complete and return;
- question: a sentence ending in "?", or an instruction to answer (Describe, Explain, Provide
  details, Demonstrate, Confirm, Outline, Detail, Set out, Please state …), also when bidders
  "must describe";
- requirement: an obligation (must, shall, mandatory, required, pass/fail, "will be excluded").
"""

import re

QUESTION, REQUIREMENT, ATTACHMENT = "question", "requirement", "attachment"

_VERBS = (
    r"describe|explain|provide|demonstrate|confirm|outline|detail|set\s+out|state|give|list|"
    r"identify|tell\s+us|summari[sz]e|specify|indicate"
)
# What bidders "must" do that is an answer, not a duty of the service ("must provide a team").
_ANSWER_VERBS = (
    r"describe|explain|demonstrate|confirm|outline|detail|set\s+out|state|summari[sz]e|"
    r"provide\s+(?:details|an?\s+(?:overview|description|explanation|example|summary))"
)
INSTRUCTION = re.compile(
    rf"^(?:(?:please\s+)?(?:{_VERBS})|(?:bidders?|you|the\s+(?:bidder|supplier|tenderer))\s+"
    rf"(?:must|should|shall|are\s+(?:asked|required)\s+to)\s+(?:{_ANSWER_VERBS}))\b"
    # "List of abbreviations", "State aid", "Outline specification" name things, not tasks.
    r"(?!\s+(?:of|aid|specification)\b)",
    re.I,
)
# An instruction after a colon or semicolon: "… is the target: explain how you will meet it."
LATE_INSTRUCTION = re.compile(rf"[:;]\s+(?:please\s+)?(?:{_ANSWER_VERBS}|how\b)", re.I)
# "Provide a copy of …" asks for a document, not an answer.
_DOCUMENT = (
    r"certificates?|certification\s+documents?|cvs?|curricul(?:um|a)\s+vitae|polic(?:y|ies)|"
    r"form\s+of\s+tender|forms?|declarations?|accounts|insurance\s+certificates?|"
    r"appendix|schedules?\s+completed|letters?\s+of|copies|copy|documents?|plans?"
)
ATTACHMENT_PATTERN = re.compile(
    r"\b(?:attach(?:ed)?|upload(?:ed)?|enclose(?:d)?|append(?:ed)?)\b|"
    r"\b(?:provide|submit|supply|include|return)\s+(?:a|an|the|your|their|its|all|two|"
    r"signed|completed|current)?\s*(?:\w+\s+){0,4}?(?:copy|copies|certificates?|cvs?)\b|"
    r"\bcomplete\s+and\s+return\b|\bcopy\s+of\s+(?:their|your|its|the)\b",
    re.I,
)
# Evidence kept to show when asked is a condition of the contract, not a document to return.
ON_REQUEST = re.compile(r"\b(?:on|upon)\s+request\b|\bif\s+(?:requested|asked)\b", re.I)
_ANSWER_VERB = re.compile(r"\b(?:describe|explain|how|outline|demonstrate|set\s+out)\b", re.I)
OBLIGATION = re.compile(
    r"\b(?:must|shall|mandatory|required\s+to|is\s+required|are\s+required|pass\s*/\s*fail|"
    r"will\s+be\s+(?:excluded|disqualified|rejected)|will\s+not\s+be\s+considered|"
    r"is\s+a\s+requirement|obliged\s+to)\b",
    re.I,
)
MANDATORY = re.compile(
    r"\b(?:must|shall|mandatory|pass\s*/\s*fail|required|will\s+be\s+(?:excluded|"
    r"disqualified|rejected))\b",
    re.I,
)
# A question is mandatory when it is pass/fail, or a confirmation bidders must give.
MANDATORY_QUESTION = re.compile(
    r"pass\s*/\s*fail|\bmandatory\b|\b(?:must|shall)\s+(?:confirm|declare)\b", re.I
)
NOT_AN_OBLIGATION = re.compile(r"\b(?:must|shall)\s+not\s+be\s+(?:construed|taken)\b", re.I)
DEFINITION = re.compile(
    r"^[“\"\u2018']?[A-Z][\w\s\-]{0,40}[”\"\u2019']?\s+(?:means|shall\s+mean|has\s+the\s+meaning)\b"
)
LEAD_IN = re.compile(r"^(?:the\s+following|as\s+follows|below\s+(?:is|are))\b", re.I)
# Sentences that carry on the item before them: guidance, limits, weightings, lists.
CONTINUATION = re.compile(
    r"^(?:[•▪◦●\-\u2013*]\s|\(|(?-i:[a-z])|(?:your|the)\s+(?:response|answer|submission)s?\b|"
    r"responses?\s+(?:should|must|are|will|is)\b|you\s+should\b|(?:please\s+)?include\b|"
    r"this\s+should\b|in\s+particular\b|for\s+example\b|e\.g\.|bidders\s+should\s+(?:include|"
    r"cover|address|refer)|(?:max(?:imum)?|up\s+to|no\s+more\s+than|word|page|character|"
    r"weight(?:ing)?|limit)\b|\d[\d,]*\s+(?:words?|pages?|characters?)\b|"
    r"(?:pass\s*/\s*fail|yes\s*/\s*no)\b|if\s+(?:not|so|yes|no|it|you)\b|where\b)",
    re.I,
)


def classify(text: str) -> str | None:
    """The kind of item ``text`` is, or None when it is neither asked nor required."""
    first = first_sentence(text)
    if DEFINITION.match(first) or LEAD_IN.match(first):
        return None
    if (
        ATTACHMENT_PATTERN.search(first)
        and not _ANSWER_VERB.search(first)
        and not ON_REQUEST.search(first)
    ):
        return ATTACHMENT
    if "?" in first or INSTRUCTION.match(first) or LATE_INSTRUCTION.search(first):
        return QUESTION
    if OBLIGATION.search(text) and not NOT_AN_OBLIGATION.search(text):
        return REQUIREMENT
    return None


def is_mandatory(text: str, kind: str) -> bool:
    """Pass/fail, must, shall, mandatory: the bid fails without it."""
    if kind == QUESTION:
        return bool(MANDATORY_QUESTION.search(text))
    return bool(MANDATORY.search(text))


def is_continuation(sentence: str) -> bool:
    return bool(CONTINUATION.match(sentence.strip()))


def is_definition(sentence: str) -> bool:
    return bool(DEFINITION.match(sentence.strip()))


# A sentence ends at . ? ! (or at a closing bracket such as "(Max 500 words)") before a capital.
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[“\"(A-Z•▪])|(?<=\))\s+(?=[A-Z])")
_ABBREVIATION = re.compile(
    r"\b(?:e\.g|i\.e|etc|no|approx|incl|excl|st|mr|mrs|ms|dr|vs|cf)\.$", re.I
)


def sentences(text: str) -> list[str]:
    """``text`` in sentences (abbreviations such as "e.g." do not end one)."""
    parts: list[str] = []
    for piece in _SENTENCE_END.split(text):
        if parts and _ABBREVIATION.search(parts[-1]):
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    return [part.strip() for part in parts if part.strip()]


def first_sentence(text: str) -> str:
    found = sentences(text)
    return found[0] if found else text
