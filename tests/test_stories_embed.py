"""The MiniLM embedder: pinned model files, no torch, unit vectors that rank meaning."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from newsprism.model import Article, Origin
from newsprism.stories import embed
from newsprism.stories.embed import Embedder, ModelError, get_embedder, lead_text


def test_embed_model_files_match_pinned_hashes() -> None:
    onnx, tok = embed.model_files()
    assert onnx.name == "model.onnx" and tok.name == "tokenizer.json"


def test_embed_refuses_a_model_file_with_another_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embed, "ONNX_SHA256", "0" * 64)
    with pytest.raises(ModelError, match="does not match"):
        Embedder()


def test_embed_vectors_are_unit_length_and_rank_by_meaning() -> None:
    v = get_embedder().embed([
        "Actress Tara Reid checks into rehab in Malibu",
        "Tara Reid has entered the Promises Treatment Center, her publicist said",
        "A magnitude 6.1 earthquake struck Indonesia's Aceh province",
        "",
    ])
    assert v.shape == (4, embed.DIM) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v[:3], axis=1), 1.0, atol=1e-4)
    assert v[0] @ v[1] > 0.5 > 0.1 > v[0] @ v[2]  # measured 0.58 and -0.05


def test_embed_order_and_batching_do_not_change_vectors() -> None:
    texts = ["short one", "a somewhat longer sentence about a court ruling in Texas", "x " * 200]
    e = get_embedder()
    together = e.embed(texts, batch_size=8)
    alone = np.vstack([e.embed([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-4)


def test_embed_imports_nothing_hub_or_torch() -> None:
    get_embedder()
    assert "torch" not in sys.modules and "huggingface_hub" not in sys.modules
    assert "sentence_transformers" not in sys.modules


def test_embed_lead_text_does_not_repeat_the_title() -> None:
    a = Article(id="a", origin=Origin("json", "x"), title="Putin lands in Pyongyang.",
                text="Putin lands in Pyongyang.\nHe was met by Kim Jong Un at the airport. " + "More. " * 200)
    lead = lead_text(a)
    assert lead.count("Putin lands") == 1 and "Kim Jong Un" in lead
    assert len(lead) <= len(a.title or "") + embed.LEAD_CHARS + 2
