"""Properties of what members and founders type: command arguments, event starts in words,
and badge rules. Whatever is typed is understood or refused with a named reason; nothing
else escapes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.features import build_registry
from core.args import ArgError, parse_text
from core.features.badges.figures import FIGURES
from core.features.badges.rules import RuleError, parse, progress
from core.features.events.parse import STRICT, Refusal, parse_create, start_of

FAST = settings(
    max_examples=50, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
ZONES = ["UTC", "Europe/Berlin", "Asia/Shanghai", "America/New_York", "Australia/Adelaide"]
SPECS = sorted(build_registry().commands.values(), key=lambda spec: spec.name)


def phrase(vocabulary: list[str], max_size: int = 6) -> st.SearchStrategy[str]:
    pieces = st.one_of(st.sampled_from(vocabulary), st.text(max_size=4))
    return st.lists(pieces, max_size=max_size).map(" ".join)


@FAST
@given(st.sampled_from(SPECS), phrase(["|", "E-1", "all", "12", "-3", "en", "zh-cn", "x" * 300]))
def test_every_commands_arguments_parse_or_are_refused_by_name(spec: object, text: str) -> None:
    try:
        parsed = parse_text(spec, text)  # type: ignore[arg-type]
    except ArgError as error:
        assert str(error) or error.args
    else:
        assert set(parsed) <= {arg.name for arg in spec.args}  # type: ignore[attr-defined]


DATE_WORDS = [
    "tomorrow", "next", "friday", "7pm", "18:00", "in", "2", "hours", "at", "noon", "2027-01-01",
    "明天", "晚上", "8点", "8点30分", "下周五", "下周日", "19:00", "半", "后天", "25点", "99分",
    "yesterday", "last", "monday", "3000-01-01", "0:00", "24:00",
]  # fmt: skip


@FAST
@given(phrase(DATE_WORDS, 4), st.sampled_from(ZONES))
def test_a_start_in_words_is_a_future_instant_or_a_refusal(text: str, zone: str) -> None:
    try:
        start = start_of(text, zone, NOW)
    except Refusal as refusal:
        assert refusal.problem in ("start", "past")
    else:
        assert start.tzinfo is not None and start > NOW


@FAST
@given(
    st.datetimes(min_value=datetime(2027, 1, 1), max_value=datetime(2035, 12, 31)),
    st.sampled_from(ZONES),
)
def test_a_typed_date_and_time_is_read_in_the_events_zone(local: datetime, zone: str) -> None:
    local = local.replace(second=0, microsecond=0)
    instant = local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    if instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None) != local:
        return  # a wall time the zone skips at a clock change: not one instant
    assert start_of(local.strftime(STRICT), zone, NOW) == instant


@FAST
@given(
    phrase(
        ["meetup", "webinar", "会议", "|", "Drinks", "2027-03-01 18:00", "tomorrow 7pm",
         "cap", "0", "10", "90m", "2h", "at", "Café", "weekly", "monthly", "in", "Berlin",
         "Mars/Olympus"],
        10,
    )
)  # fmt: skip
def test_an_event_create_line_is_a_draft_or_a_refusal(text: str) -> None:
    try:
        draft = parse_create(text, NOW, "UTC")
    except Refusal as refusal:
        assert refusal.problem
    else:
        assert draft.starts_at > NOW and draft.duration > timedelta(0)
        assert draft.capacity is None or draft.capacity >= 1


RULE_WORDS = [
    *sorted(FIGURES), "and", "or", "not", "(", ")", ">=", "<=", ">", "<", "==", "!=",
    "0", "3", "-2", "2.5", "10", "__import__", "'os'", ".", "()", "+", "lambda",
]  # fmt: skip
figures = st.fixed_dictionaries({name: st.integers(-50, 500) for name in sorted(FIGURES)})
comparisons = st.builds(
    "{} {} {}".format,
    st.sampled_from(sorted(FIGURES)),
    st.sampled_from([">=", "<=", ">", "<", "==", "!="]),
    st.integers(-5, 600),
)
rules = st.recursive(
    comparisons,
    lambda inner: st.one_of(
        st.builds("({}) and ({})".format, inner, inner),
        st.builds("({}) or ({})".format, inner, inner),
        st.builds("not ({})".format, inner),
    ),
    max_leaves=6,
)


@FAST
@given(st.one_of(phrase(RULE_WORDS, 9), rules), figures)
def test_a_badge_rule_is_refused_by_name_or_decides_for_any_member(
    text: str, have: dict[str, int]
) -> None:
    try:
        rule = parse(text, FIGURES)
    except RuleError as error:
        assert str(error)
        return
    assert rule.holds(have) in (True, False)
    share, steps = progress(rule, have)
    assert 0.0 <= share <= 1.0
    if rule.holds(have):
        assert share == 1.0 and not steps
    assert parse(f"not ({text})", FIGURES).holds(have) is not rule.holds(have)
    assert all(step.figure in FIGURES for step in steps)
