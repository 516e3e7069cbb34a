"""What a member notices about FAQ search: the right answer for a paraphrase, in their own
language, and no answer at all when the knowledge base does not cover the question."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from core.features.faq import semantic
from core.features.faq.entries import KBEntry
from core.features.faq.search import DEFAULT_MIN_CONFIDENCE, Candidate, SearchIndex, SearchResult
from core.features.faq.search_eval import evaluate

KB = (
    KBEntry(
        id="reset-password",
        title="Reset your password",
        questions=(
            "I forgot my password",
            "how do I change my password",
            "can't remember my password, what now",
            "password reset link not working",
        ),
        answer="Use the 'Forgot password' link on the sign-in page.",
    ),
    KBEntry(
        id="refund",
        title="Getting a refund",
        questions=(
            "can I get my money back",
            "how do refunds work",
            "I want a refund for my order",
            "how long does a refund take",
        ),
        answer="Refunds go back to the original card within 5 working days.",
    ),
    KBEntry(
        id="delete-account",
        title="Deleting your account",
        questions=(
            "how do I close my account",
            "delete my account permanently",
            "I want to remove my profile and data",
        ),
        answer="Settings > Account > Delete account.",
    ),
    KBEntry(
        id="shipping-time",
        title="Delivery times",
        questions=(
            "when will my package arrive",
            "how long does shipping take",
            "my parcel has not been delivered yet",
        ),
        answer="Orders arrive in 3-5 working days.",
    ),
    KBEntry(
        id="zh-reset-password",
        title="重置密码",
        questions=("我忘记密码了", "怎么修改密码", "密码找不回来怎么办"),
        answer="在登录页点击“忘记密码”。",
        locale="zh-CN",
    ),
    KBEntry(
        id="zh-refund",
        title="申请退款",
        questions=("我想退款", "退款多久到账", "怎么申请退钱"),
        answer="退款会在五个工作日内退回原卡。",
        locale="zh-CN",
    ),
)


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.build(KB)


def best_id(result: SearchResult) -> str | None:
    return result.best.entry_id if result.best else None


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("I can't remember my password", "reset-password"),
        ("How long until my parcel arrives?", "shipping-time"),
        ("PLEASE CLOSE MY ACCOUNT!!!", "delete-account"),
        ("i'd like my money back", "refund"),
        ("how do I reset my pasword", "reset-password"),
    ],
)
def test_paraphrase_finds_the_right_entry(index: SearchIndex, question: str, expected: str) -> None:
    assert best_id(index.search(question)) == expected


def test_chinese_question_finds_the_chinese_entry(index: SearchIndex) -> None:
    assert best_id(index.search("忘记密码怎么办")) == "zh-reset-password"
    assert best_id(index.search("退款什么时候到账？")) == "zh-refund"


def test_close_paraphrase_is_answered_confidently(index: SearchIndex) -> None:
    answer = index.search("I forgot my password").confident(DEFAULT_MIN_CONFIDENCE)
    assert answer is not None and answer.entry_id == "reset-password"


@pytest.mark.parametrize(
    "question",
    ["what is the capital of mongolia", "play some jazz music", "明天北京天气怎么样"],
)
def test_unrelated_question_is_declined(index: SearchIndex, question: str) -> None:
    assert index.search(question).confident(DEFAULT_MIN_CONFIDENCE) is None


needs_encoders = pytest.mark.skipif(
    semantic.model_dir() is None or importlib.util.find_spec(semantic.E5_PACKAGE) is None,
    reason="both sentence encoders are installed by `make install`",
)


@needs_encoders
@pytest.mark.parametrize("question", ["怎么修改头像", "how do I change my avatar"])
def test_question_worded_like_an_entry_on_a_topic_it_lacks_is_declined(
    index: SearchIndex, question: str
) -> None:
    # Worded like "how do I change my password", but nothing here is about avatars.
    assert index.search(question).confident(DEFAULT_MIN_CONFIDENCE) is None


def test_locale_filter_only_returns_entries_of_that_locale(index: SearchIndex) -> None:
    result = index.search("password", limit=10, locale="zh-CN")
    assert result.candidates
    assert {index.entries[c.entry_id].locale for c in result.candidates} == {"zh-CN"}
    assert index.search("password", locale="fr").candidates == ()


@pytest.mark.parametrize("question", ["", "   ", "?!...", "\n\t", "——！？"])
def test_empty_or_punctuation_question_has_no_candidates(index: SearchIndex, question: str) -> None:
    result = index.search(question)
    assert result.candidates == ()
    assert result.best is None
    assert result.confident(0.0) is None


def test_very_long_question_still_answers(index: SearchIndex) -> None:
    question = "I forgot my password " + "blah " * 2000
    assert len(question) > 10_000
    result = index.search(question)
    assert best_id(result) == "reset-password"


def test_candidates_are_best_first_limited_and_in_range(index: SearchIndex) -> None:
    result = index.search("refund for my order", limit=2)
    assert len(result.candidates) == 2
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_search_is_deterministic() -> None:
    first = SearchIndex.build(KB).search("how long does it take", limit=5)
    second = SearchIndex.build(KB).search("how long does it take", limit=5)
    assert first == second


def test_large_knowledge_base_mode_still_finds_paraphrases() -> None:
    index = SearchIndex.build(KB, max_classifier_phrasings=0)
    assert best_id(index.search("I can't remember my password")) == "reset-password"
    assert best_id(index.search("我想申请退款")) == "zh-refund"
    assert index.search("what is the capital of mongolia").confident(DEFAULT_MIN_CONFIDENCE) is None


def test_synonyms_fold_variants_together(tmp_path: Path) -> None:
    (tmp_path / "en.txt").write_text("sign in, log on\n", encoding="utf-8")
    entry = KBEntry(id="a", title="Cannot sign in", questions=("sign in fails",), answer="x")
    other = KBEntry(id="b", title="Change avatar", questions=("new profile picture",), answer="y")
    index = SearchIndex.build([entry, other], synonyms_dir=tmp_path)
    assert best_id(index.search("I can't log on")) == "a"


SIGN_UP_KB = (
    KBEntry(id="register", title="How do I register", questions=("a new profile",), answer="x"),
    KBEntry(id="sign-out", title="How do I sign out", questions=("end the session",), answer="y"),
    KBEntry(id="avatar", title="Change avatar", questions=("new profile picture",), answer="z"),
)


def _lexical(synonyms_dir: Path) -> SearchIndex:
    return SearchIndex.build(SIGN_UP_KB, synonyms_dir, embedders={})


def test_a_knowledge_folder_without_synonyms_gets_the_shipped_ones(tmp_path: Path) -> None:
    """The shipped list folds "register" and "sign up" together; without it the shared
    "sign" would win "sign out" the question."""
    index = _lexical(tmp_path / "synonyms")
    assert best_id(index.search("how do I sign up")) == "register"


def test_a_locale_list_in_the_knowledge_folder_replaces_the_shipped_one(tmp_path: Path) -> None:
    (tmp_path / "en.txt").write_text("# none of the shipped groups\n", encoding="utf-8")
    assert best_id(_lexical(tmp_path).search("how do I sign up")) == "sign-out"


def test_one_languages_synonyms_leave_another_language_alone(tmp_path: Path) -> None:
    english_only = tmp_path / "en"
    english_only.mkdir()
    (english_only / "en.txt").write_text("", encoding="utf-8")
    both = tmp_path / "both"
    both.mkdir()
    (both / "en.txt").write_text("", encoding="utf-8")
    (both / "zh-CN.txt").write_text("注册, register, sign up\n", encoding="utf-8")
    question = "how do I sign up"
    assert _lexical(both).search(question) == _lexical(english_only).search(question)


def test_index_exposes_entries_by_id(index: SearchIndex) -> None:
    assert len(index) == len(KB)
    assert index.entries["refund"].title == "Getting a refund"


def test_duplicate_ids_are_rejected() -> None:
    with pytest.raises(ValueError, match="unique"):
        SearchIndex.build([KB[0], KB[0]])


def test_empty_knowledge_base_answers_nothing() -> None:
    assert SearchIndex.build([]).search("anything").candidates == ()


def test_evaluate_counts_answers_and_declines(index: SearchIndex) -> None:
    report = evaluate(
        index,
        [
            ("I forgot my password", "reset-password"),
            ("how long does shipping take", "shipping-time"),
            ("what is the capital of mongolia", None),
        ],
    )
    assert (report.n_in_scope, report.n_oos) == (2, 1)
    assert report.top1 == 1.0
    assert report.oos_declined == 1.0
    assert report.answered_wrong == 0.0
    assert report.confusions == []
    assert report.pairs == []


def test_evaluate_lists_entries_that_steal_from_each_other(index: SearchIndex) -> None:
    report = evaluate(
        index,
        [
            ("I forgot my password", "refund"),
            ("how do refunds work", "reset-password"),
            ("I want a refund for my order", "reset-password"),
            ("how long does shipping take", "shipping-time"),
        ],
    )
    assert report.pairs == [("refund", "reset-password", 1, 2)]


def test_each_script_family_answers_at_its_own_threshold() -> None:
    thresholds = {"latin": 0.6, "cjk": 0.4}
    chinese = SearchResult("怎么退款", (Candidate("zh-refund", 0.5, "cjk"),))
    english = SearchResult("refund", (Candidate("refund", 0.5, "latin"),))
    assert chinese.confident(thresholds) == chinese.best
    assert english.confident(thresholds) is None
    assert chinese.confident(0.55) is None


def test_a_chinese_question_competes_only_with_chinese_entries(index: SearchIndex) -> None:
    """The English entries beside the two Chinese ones do not dilute the classifier's
    probability, so asking with or without the locale gives the same confidence."""
    question = "怎么修改头像"
    with_locale = index.search(question, locale="zh-CN").best
    without = index.search(question).best
    assert with_locale is not None and without is not None
    assert without.score == pytest.approx(with_locale.score, abs=0.02)
