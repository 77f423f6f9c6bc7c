"""The MiniLM embedder: pinned model files, no torch, unit vectors that rank meaning."""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

import numpy as np
import pytest

from newsprism.clean.document import clean_document
from newsprism.model import Article, Origin, RawDocument
from newsprism.stories import embed
from newsprism.stories.embed import Embedder, ModelError, get_embedder, lead_text
from newsprism.stories.features import featurize


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


def test_embed_lead_text_of_an_untitled_record_holds_its_first_sentence_once(data_dir: Path) -> None:
    """Regression: a record without a title gets the lead's first sentence as a derived title,
    cut with " …" when long; the body no longer started with it, so the embedded lead held the
    sentence twice and the story terms counted it twice (briefing-dev, records without titles:
    42% of three-outlet events split into several stories, 35% once fixed)."""
    path = data_dir / "briefing-dev" / "allsides_roundups_dev.jsonl"
    rec = next(json.loads(line) for line in path.open(encoding="utf-8") if '"CdxQ7wBxndTmJq8V"' in line)
    a = clean_document(RawDocument(Origin("json", "record"), rec["text"]))
    assert a.title_source == "derived_from_lead" and a.title.endswith("…")  # a long first sentence
    lead = lead_text(a)
    assert lead.count("Mitt Romney, one of President") == 1
    assert "shadow Twitter account" in lead  # the sentence itself, once, then what follows
    f = featurize(a, np.zeros(embed.DIM, dtype=np.float32))
    said = len(re.findall(r"\bdelecto\b", rec["text"].lower()))  # every time the text says it, once each
    assert f.terms["delecto"] == pytest.approx(1 + math.log(said))
    assert not f.headline


def test_embed_cut_length_is_per_call_and_leaves_no_state(seeds_dir: Path) -> None:
    """The story lead is encoded up to 128 word pieces, compare's sentences up to 64: a call at
    one length never changes what the other gives."""
    text = sorted(seeds_dir.glob("*.txt"))[0].read_text(encoding="utf-8")  # a real article, far past 128 pieces
    e = get_embedder()
    short = e.embed([text])
    long = e.embed([text], max_tokens=embed.LEAD_TOKENS)
    assert float(short[0] @ long[0]) < 0.999  # more of the text was read
    assert np.allclose(e.embed([text]), short)  # and the default cut is still 64
    assert np.allclose(e.embed([text], max_tokens=embed.LEAD_TOKENS), long)


ENCODER_MEMORY = """
import sys
from pathlib import Path
from newsprism.stories.embed import LEAD_TOKENS, get_embedder
def status(key):  # MB; VmHWM is this program's own peak (ru_maxrss would count the forking parent's)
    return int(open("/proc/self/status").read().split(key + ":")[1].split()[0]) // 1024
e = get_embedder()
words = " ".join(p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).glob("*.txt"))).split()
texts = [" ".join(words[i:i + 120]) for i in range(0, 120 * 96, 120)]
e.embed(texts[:2], max_tokens=LEAD_TOKENS)
before = status("VmRSS")
e.embed(texts, max_tokens=LEAD_TOKENS)  # 96 article leads
e.embed([t[:300] for t in texts])  # and sentences
print(before, status("VmHWM"), status("VmRSS"))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_embed_gives_its_working_memory_back(seeds_dir: Path) -> None:
    """Regression: encoding leads 32 at a time grew the process by 220 MB that it never gave
    back (onnxruntime's arena, then glibc's heap), which made it most of a run's peak RSS
    (900 MB on 230 ECB+ articles, 530 MB since). Now the encoder's working set stays small
    and is returned after each call."""
    import subprocess

    out = subprocess.run([sys.executable, "-c", ENCODER_MEMORY, str(seeds_dir)], capture_output=True, text=True,
                         check=True, timeout=120)
    before, peak, after = map(int, out.stdout.split())
    assert peak - before < 120, (before, peak, after)
    assert after - before < 40, (before, peak, after)
