"""Typed command arguments parsed from one line of text, as Telegram and the console send."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.args import ArgError, fits, parse_text, usage
from core.registry import ArgSpec, ArgType, CommandSpec


async def _noop() -> None:
    return None


ADD = CommandSpec(
    "faq add", "", _noop, (ArgSpec("question", ArgType.TEXT), ArgSpec("answer", ArgType.TEXT))
)
LIST = CommandSpec(
    "faq list",
    "",
    _noop,
    (
        ArgSpec("locale", ArgType.CHOICE, False, ("en", "zh-cn")),
        ArgSpec("page", ArgType.INTEGER, False),
    ),
)


def test_two_text_arguments_split_on_the_bar() -> None:
    assert parse_text(ADD, " how do I pay? | With a card | or cash ") == {
        "question": "how do I pay?",
        "answer": "With a card | or cash",
    }


def test_missing_required_argument_is_named() -> None:
    with pytest.raises(ArgError) as error:
        parse_text(ADD, "just a question")
    assert (error.value.problem, error.value.arg.name) == ("missing", "answer")


def test_choices_and_numbers_are_checked() -> None:
    assert parse_text(LIST, "ZH-CN 2") == {"locale": "zh-cn", "page": 2}
    with pytest.raises(ArgError, match="not_a_choice"):
        parse_text(LIST, "fr")
    with pytest.raises(ArgError, match="not_a_number"):
        parse_text(LIST, "en two")


def test_chinese_keyboards_full_width_forms_mean_the_same() -> None:
    assert parse_text(ADD, "怎么付款？｜刷卡或现金") == {
        "question": "怎么付款？",
        "answer": "刷卡或现金",
    }
    assert parse_text(LIST, "ＺＨ－ＣＮ　２") == {"locale": "zh-cn", "page": 2}


def test_a_number_no_database_holds_is_not_a_number() -> None:
    with pytest.raises(ArgError, match="not_a_number"):
        parse_text(LIST, "en 99999999999999999999")


def test_fits_only_when_every_word_has_its_argument() -> None:
    assert fits(LIST, "en 2") and fits(LIST, "")
    assert not fits(LIST, "en 2 please")
    assert not fits(LIST, "broken")


def test_usage_shows_the_shape() -> None:
    assert usage(ADD) == "/faq add <question> | <answer>"
    assert usage(LIST) == "/faq list [en|zh-cn] [page]"


@given(st.text(max_size=300))
def test_any_text_either_parses_or_raises_a_named_error(text: str) -> None:
    try:
        parsed = parse_text(ADD, text)
    except ArgError as error:
        assert error.arg.name in {"question", "answer"}
    else:
        assert parsed["question"] and parsed["answer"]


PRIORITY = CommandSpec(
    "ticket priority",
    "",
    _noop,
    (
        ArgSpec("level", ArgType.CHOICE, choices=("low", "high")),
        ArgSpec("ticket", ArgType.WORD, required=False, may_lead=r"(?:#|t-?)\d+"),
    ),
)


@pytest.mark.parametrize("text", ["high T-1", "T-1 high", "t1 high", "＃１ high"])
def test_an_id_may_be_typed_before_what_to_do_with_it(text: str) -> None:
    assert parse_text(PRIORITY, text)["level"] == "high"
    assert fits(PRIORITY, text)


def test_an_id_typed_first_leaves_a_wrong_word_to_be_named() -> None:
    with pytest.raises(ArgError) as error:
        parse_text(PRIORITY, "T-1 huge")
    assert (error.value.problem, error.value.value) == ("not_a_choice", "huge")
