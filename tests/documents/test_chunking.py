from documents.embeddings import embedder
from documents.ingest.chunking import chunk_document
from documents.ingest.parsers import Block
from documents.ingest.parsers import Page
from documents.ingest.parsers import ParsedDocument


def words(text: str) -> int:
    return len(text.split())


def doc(*pages: list[Block]) -> ParsedDocument:
    return ParsedDocument(tuple(Page(n, tuple(blocks)) for n, blocks in enumerate(pages, start=1)))


def test_headings_start_new_chunks_and_keep_their_path():
    parsed = doc(
        [
            Block("Method statement", 1),
            Block("Mobilisation in four weeks."),
            Block("Social value", 2),
            Block("Twelve apprentices."),
        ],
        [Block("Pricing", 1), Block("Fixed price for three years.")],
    )

    chunks = chunk_document(parsed, count_tokens=words)

    assert [(c.heading, c.text, c.page_start) for c in chunks] == [
        ("Method statement", "Mobilisation in four weeks.", 1),
        ("Method statement > Social value", "Twelve apprentices.", 1),
        ("Pricing", "Fixed price for three years.", 2),
    ]
    assert chunks[1].embedding_text == "Method statement > Social value\nTwelve apprentices."


def test_long_sections_split_by_size_with_overlap_and_page_ranges():
    paragraphs = [Block(f"Paragraph {n} " + "word " * 30) for n in range(8)]
    parsed = doc([Block("Scope", 1), *paragraphs[:4]], paragraphs[4:])

    chunks = chunk_document(parsed, count_tokens=words, max_tokens=100, overlap_tokens=40)

    assert all(chunk.token_count <= 100 for chunk in chunks)
    assert len(chunks) > 2
    assert chunks[0].page_start == 1
    assert chunks[-1].page_end == 2
    assert any(chunk.page_start == 1 and chunk.page_end == 2 for chunk in chunks)
    # consecutive chunks share a paragraph (the overlap)
    assert chunks[0].text.split("Paragraph")[-1] in chunks[1].text


def test_an_overlong_paragraph_is_split_by_sentences_then_words():
    sentence = "This sentence has exactly eight words in it. "
    parsed = doc([Block(sentence * 30), Block("x " * 500)])

    chunks = chunk_document(parsed, count_tokens=words, max_tokens=50, overlap_tokens=0)

    assert all(chunk.token_count <= 50 for chunk in chunks)
    assert sum(chunk.text.count("exactly") for chunk in chunks) == 30


def test_real_token_counts_fit_the_embedding_window():
    model = embedder()
    parsed = doc(
        [Block("Quality", 1), Block("We hold ISO 9001 and ISO 14001 certification. " * 40)]
    )

    chunks = chunk_document(parsed, count_tokens=model.count_tokens, max_tokens=200)

    assert all(model.count_tokens(chunk.embedding_text) <= model.max_tokens for chunk in chunks)
