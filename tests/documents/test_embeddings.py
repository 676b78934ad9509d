import numpy as np

from documents.embeddings import embedder


def test_the_local_model_embeds_meaning_into_normalised_384_d_vectors():
    model = embedder()
    vectors = model.embed([
        "We train twelve local apprentices every year.",
        "Each year we take on a dozen apprentices from the area.",
        "The invoice is payable within thirty days.",
    ])  # fmt: skip

    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    same_meaning, unrelated = vectors[0] @ vectors[1], vectors[0] @ vectors[2]
    assert same_meaning > 0.6
    assert same_meaning > unrelated + 0.3


def test_batches_give_the_same_vectors_as_single_texts():
    model = embedder()
    texts = ["Short.", "A much longer sentence about hospital cleaning contracts in Scotland."]

    batched = model.embed(texts)
    single = np.vstack([model.embed([text]) for text in texts])

    assert np.allclose(batched, single, atol=1e-4)


def test_token_counts_follow_the_model_tokenizer():
    assert embedder().count_tokens("Social value") == 2
