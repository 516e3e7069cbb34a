"""The badge rule language: what it accepts, what it refuses (hostile rules included), how
it decides and how far a member is from a rule."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load
from core.features.badges.figures import FIGURES
from core.features.badges.rules import MAX_DEPTH, RuleError, Step, parse, progress

FIGURES_OF_ADA = dict.fromkeys(FIGURES, 0) | {"thanks_received": 7, "days_active": 9}


def holds(rule: str, **figures: int) -> bool:
    return parse(rule, FIGURES).holds(dict.fromkeys(FIGURES, 0) | figures)


def test_comparisons_and_or_not_and_parentheses_decide_as_written() -> None:
    rule = "thanks_received >= 10 and (days_active >= 7 or not solutions < 3)"
    assert holds(rule, thanks_received=10, days_active=7)
    assert holds(rule, thanks_received=12, solutions=3)
    assert not holds(rule, thanks_received=9, days_active=30, solutions=5)
    assert not holds(rule, thanks_received=10, days_active=6, solutions=2)
    assert holds("1 <= solutions < 5", solutions=4)
    assert not holds("1 <= solutions < 5", solutions=5)
    assert holds("reputation != 0 or messages == 0")
    assert holds("streak_days > 2.5", streak_days=3)
    assert parse("messages >= 3 and not topics > 1", FIGURES).figures == {"messages", "topics"}


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ("__import__('os')", "unexpected \"'os')\" at 12"),
        ("__import__ > 1", "unknown figure '__import__'"),
        ("().__class__", "unexpected '.__class__' at 3"),
        ("() > 1", "expected a figure or a number at 2, found ')'"),
        ("messages.__class__ > 1", "unexpected '.__class__ >'"),
        ("open('/etc/passwd') > 0", 'unexpected "\'/etc/passwd" at 6'),
        ("messages() > 1", "expected a comparison such as >= after"),
        ("messages > 'ten'", "unexpected \"'ten'\""),
        ("messages + 1 > 2", "unexpected '+ 1 > 2'"),
        ("thanks >= 10", "unknown figure 'thanks'"),
        ("lambda: 1", "unexpected ': 1' at 7"),
        ("lambda > 1", "unknown figure 'lambda'"),
        ("messages", "expected a comparison such as >= after"),
        ("1 > 0", "a comparison must name a figure"),
        ("messages > 1 and", "the rule ends too early"),
        ("(messages > 1", "the rule ends too early"),
        ("messages > 1)", "unexpected ')'"),
        ("", "the rule is empty"),
        ("(" * 10_000 + "messages > 1" + ")" * 10_000, "longer than 500 characters"),
        ("(" * 200 + "messages > 1" + ")" * 200, f"nested more than {MAX_DEPTH} deep"),
        ("not " * 100 + "messages > 1", f"nested more than {MAX_DEPTH} deep"),
    ],
)
def test_hostile_and_broken_rules_are_refused_with_what_is_wrong(rule: str, problem: str) -> None:
    with pytest.raises(RuleError) as refused:
        parse(rule, FIGURES)
    assert problem in str(refused.value)


def test_ten_thousand_parentheses_without_the_length_limit_are_a_clean_error() -> None:
    """The depth limit, not Python's recursion limit, stops a deep rule."""
    import core.features.badges.rules as rules

    deep = "(" * 10_000 + "messages > 1" + ")" * 10_000
    original = rules.MAX_LENGTH
    rules.MAX_LENGTH = len(deep)
    try:
        with pytest.raises(RuleError, match="nested more than"):
            parse(deep, FIGURES)
    finally:
        rules.MAX_LENGTH = original


def test_progress_shows_each_step_left_and_the_share_done() -> None:
    share, steps = progress(parse("thanks_received >= 10", FIGURES), FIGURES_OF_ADA)
    assert (share, steps) == (0.7, [Step("thanks_received", 7, 10)])
    share, steps = progress(
        parse("thanks_received >= 10 and days_active > 6 and solutions > 1", FIGURES),
        FIGURES_OF_ADA,
    )
    assert steps == [Step("thanks_received", 7, 10), Step("solutions", 0, 2)]
    assert share == pytest.approx((0.7 + 1 + 0) / 3)
    best = progress(parse("solutions >= 5 or 20 <= thanks_received", FIGURES), FIGURES_OF_ADA)
    assert best == (0.35, [Step("thanks_received", 7, 20)])
    assert progress(parse("days_active >= 7", FIGURES), FIGURES_OF_ADA) == (1.0, [])


def test_a_bad_rule_stops_start_up_with_one_line_naming_the_badge(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    config = tmp_path / "config.toml"
    config.write_text(
        '[[badges]]\nid = "regular"\nemoji = "🔥"\nname = { en = "Regular" }\n'
        'rule = "days_active >= 30"\n\n'
        '[[badges]]\nid = "appreciated"\nemoji = "💐"\nname = { en = "Appreciated" }\n'
        'rule = "thanks_recieved >= 10"\n'
    )
    with pytest.raises(ConfigError) as stopped:
        load(config, {}, knowledge=False)
    line = str(stopped.value)
    assert "\n" not in line
    assert line.startswith(f'{config}: [[badges]] "appreciated": rule ')
    assert "unknown figure 'thanks_recieved'" in line


def test_a_badge_without_an_english_name_or_with_a_twin_id_stops_start_up(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    config = tmp_path / "config.toml"
    twice = '[[badges]]\nid = "x"\nemoji = "🔥"\nname = { en = "X" }\n'
    config.write_text(twice * 2)
    with pytest.raises(ConfigError, match='"x": the id is used by another badge'):
        load(config, {}, knowledge=False)
    config.write_text('[[badges]]\nid = "x"\nemoji = "🔥"\nname = { fr = "X" }\n')
    with pytest.raises(ConfigError, match="unknown language 'fr'"):
        load(config, {}, knowledge=False)
