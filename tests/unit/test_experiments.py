"""Experiments on the messages members are sent: a variant in the member's language, a
holdout sent nothing, an exposure counted only once the outbox has sent it, a conversion
from what the member does next, arms that never change (across linked accounts too), and
``/experiment`` for moderators only."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import select

from bot.app import build_app
from core.clock import ManualClock
from core.events import Place, PlaceKind
from core.features.experiments.models import ExperimentAssignment
from core.features.experiments.service import ExperimentsService
from core.markup import plain
from tests.conftest import REPO, make_settings
from tests.fakes.fake_adapter import FakeAdapter
from tests.unit.chat import DC, TG, Chat

GROUP = Place(TG, "-100123", PlaceKind.GROUP)
MODERATORS = {"moderators": ["telegram:maria"]}

MakeChat = Callable[..., Awaitable[Chat]]


def write_variants(folder: Path, **variants: tuple[str, str]) -> str:
    """Each variant's English and Chinese template, where a founder would put them."""
    for variant, (english, chinese) in variants.items():
        for locale, text in (("en", english), ("zh-CN", chinese)):
            (folder / locale).mkdir(parents=True, exist_ok=True)
            (folder / locale / f"{variant}.j2").write_text(text, encoding="utf-8")
    return str(folder)


WARM = ("Hey {{ name }}, so glad you are here!", "嗨 {{ name }}，很高兴你来了！")
SHORT = ("Welcome, {{ name }}.", "欢迎，{{ name }}。")


def welcome_tone(tmp_path: Path, **changes: object) -> dict[str, object]:
    """An experiment on the welcome, its variants' files written."""
    folder = write_variants(tmp_path / "welcome-tone", warm=WARM, short=SHORT)
    return {
        "name": "welcome-tone",
        "message": "welcome",
        "variants": ["warm"],
        "folder": folder,
    } | changes


@pytest_asyncio.fixture
async def make_chat(database_url: str, clock: ManualClock) -> AsyncIterator[MakeChat]:
    built: list[Chat] = []

    async def make(*experiments: dict[str, object]) -> Chat:
        telegram, discord = FakeAdapter(TG), FakeAdapter(DC)
        settings = make_settings(database_url, experiments=list(experiments), roles=MODERATORS)
        app = await build_app(settings, clock, {TG: telegram, DC: discord}, migrate=False)
        built.append(Chat(app, clock, telegram, discord))
        return built[-1]

    yield make
    for chat in built:
        await chat.app.close()


async def arms(chat: Chat, experiment: str) -> list[tuple[int, str, bool, bool]]:
    """(member, variant, exposed, converted) of everyone assigned."""
    async with chat.app.services.database.session() as session:
        rows = await session.scalars(
            select(ExperimentAssignment)
            .where(ExperimentAssignment.experiment == experiment)
            .order_by(ExperimentAssignment.member_id)
        )
        return [
            (r.member_id, r.variant, r.exposed_at is not None, r.converted_at is not None)
            for r in rows
        ]


async def test_a_welcome_variant_counts_once_delivered_and_converts_on_activity(
    make_chat: MakeChat, tmp_path: Path
) -> None:
    chat = await make_chat(welcome_tone(tmp_path))
    await chat.joins(TG, "grace", GROUP, locale="en")
    assert await arms(chat, "welcome-tone") == [(1, "warm", False, False)]
    assert await chat.app.sweeper.run("experiments.exposures") == 0, "queued is not exposed"
    await chat.app.dispatcher.dispatch_due()
    (welcome,) = chat.telegram.sent
    assert welcome.text == "Hey Grace, so glad you are here!"
    assert await chat.app.sweeper.run("experiments.exposures") == 1
    assert await arms(chat, "welcome-tone") == [(1, "warm", True, False)]

    await chat.joins(TG, "cai", GROUP, locale="zh-hans")
    await chat.app.dispatcher.dispatch_due()
    assert chat.telegram.sent[-1].text == "嗨 Cai，很高兴你来了！"

    chat.clock.advance(timedelta(hours=2))
    await chat.say(TG, "grace", "hello everyone", place=GROUP)
    assert await chat.app.sweeper.run("experiments.conversions") == 1
    assert await arms(chat, "welcome-tone") == [(1, "warm", True, True), (2, "warm", False, False)]
    (report,) = await chat.say(TG, "maria", "/experiment report welcome-tone")
    text = plain(report.text)
    assert "warm: 2 exposed" not in text
    assert "warm: 1 exposed, 1 converted, 100.0%" in text, text
    assert "Not enough data yet" in text


async def test_a_held_out_newcomer_is_sent_nothing_and_counted_as_held_out(
    make_chat: MakeChat, tmp_path: Path
) -> None:
    chat = await make_chat(
        {
            "name": "welcome-lift",
            "message": "welcome",
            "variants": ["original"],
            "holdout": 0.999,
        }
    )
    assert await chat.joins(TG, "grace", GROUP) == []
    await chat.app.dispatcher.dispatch_due()
    assert chat.telegram.sent == [], "held out: no welcome"
    assert await arms(chat, "welcome-lift") == [(1, "holdout", True, False)]
    chat.clock.advance(timedelta(days=1))
    await chat.say(TG, "grace", "hi, anyone here?", place=GROUP)
    assert await chat.app.sweeper.run("experiments.conversions") == 1
    (report,) = await chat.say(TG, "maria", "/experiment report welcome-lift")
    assert "holdout: 1 exposed, 1 converted" in plain(report.text)


async def test_a_message_the_platform_refuses_is_no_exposure(
    make_chat: MakeChat, tmp_path: Path
) -> None:
    chat = await make_chat(welcome_tone(tmp_path))
    await chat.say(TG, "grace", "/help")
    chat.telegram.blocked_users.add("grace")
    await chat.joins(TG, "grace", GROUP)
    await chat.app.dispatcher.dispatch_due()
    assert await chat.app.sweeper.run("experiments.exposures") == 0
    assert await arms(chat, "welcome-tone") == [(1, "warm", False, False)]
    chat.clock.advance(timedelta(hours=1))
    await chat.say(TG, "grace", "hello", place=GROUP)
    assert await chat.app.sweeper.run("experiments.conversions") == 0, "never exposed"


async def test_an_arm_never_changes_and_linked_accounts_share_one(
    make_chat: MakeChat, tmp_path: Path
) -> None:
    chat = await make_chat(welcome_tone(tmp_path, variants=["warm", "short"]))
    service = chat.app.services.get(ExperimentsService)
    await chat.say(TG, "ada", "/help")
    await chat.say(DC, "ada", "/help")
    async with chat.app.services.database.session() as session:
        first = await service.choose(session, [1, 2], "welcome")
        again = await service.choose(session, [2, 1], "welcome")
        await session.commit()
    assert first == again
    code = await chat.code(TG, "ada")
    await chat.say(DC, "ada", f"/link {code}")
    (kept,) = {member for member, *_ in await arms(chat, "welcome-tone")}
    async with chat.app.services.database.session() as session:
        after = await service.choose(session, [kept], "welcome")
    assert after[kept] == first[kept], "the kept member's arm, for both accounts"
    assert len(await arms(chat, "welcome-tone")) == 1


async def test_stopping_with_a_winner_gives_everyone_the_winner(
    make_chat: MakeChat, tmp_path: Path
) -> None:
    chat = await make_chat(welcome_tone(tmp_path, variants=["original", "warm"], holdout=0.2))
    (refused,) = await chat.say(TG, "grace", "/experiment stop welcome-tone warm")
    assert "welcome-tone" not in plain(refused.text), "members may not stop experiments"
    (wrong,) = await chat.say(TG, "maria", "/experiment stop welcome-tone loud")
    assert "has no variant loud; its variants are original, warm" in plain(wrong.text)
    (stopped,) = await chat.say(TG, "maria", "/experiment stop welcome-tone warm")
    assert "every welcome is now warm" in plain(stopped.text)
    for name in ("ann", "ben", "cy", "dee", "eve"):
        await chat.joins(TG, name, GROUP)
    await chat.app.dispatcher.dispatch_due()
    texts = [m.text for m in chat.telegram.sent if m.chat_id == GROUP.chat_id]
    assert texts == [WARM[0].replace("{{ name }}", n) for n in ("Ann", "Ben", "Cy", "Dee", "Eve")]
    assert await arms(chat, "welcome-tone") == [], "after the stop nobody is assigned"
    (listing,) = await chat.say(TG, "maria", "/experiment list")
    assert "stopped, everyone gets warm" in plain(listing.text)


async def test_an_onboarding_nudge_is_said_in_the_members_variant(
    make_chat: MakeChat, tmp_path: Path
) -> None:
    chat = await make_chat(
        {
            "name": "nudge-copy",
            "message": "onboarding_nudge",
            "variants": ["brief"],
            "folder": write_variants(
                tmp_path / "n",
                brief=("{{ name }}, one small step: /onboarding", "{{ name }}，还差一步"),
            ),
        }
    )
    await chat.say(TG, "ada", "/help")
    await chat.joins(TG, "ada", GROUP)
    await chat.app.dispatcher.dispatch_due()
    chat.telegram.sent.clear()
    chat.clock.advance(timedelta(days=1, minutes=1))
    await chat.app.sweeper.run("onboarding.nudges")
    await chat.app.dispatcher.dispatch_due()
    (nudge,) = chat.telegram.sent
    assert nudge.text == "Ada, one small step: /onboarding"
    assert await chat.app.sweeper.run("experiments.exposures") == 1


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"variants": ["loud"]}, "variant 'loud' has no file"),
        ({"variants": ["original", "original"]}, "each name once"),
        ({"variants": ["original"], "weights": [1, 2]}, "one per variant"),
        ({"variants": ["original"], "message": "digest"}, "message"),
    ],
)
def test_a_bad_experiment_is_one_line_naming_it(
    database_url: str, tmp_path: Path, entry: dict[str, object], problem: str
) -> None:
    experiment = {"name": "tone", "message": "welcome", "folder": str(tmp_path), **entry}
    with pytest.raises(Exception) as raised:
        make_settings(database_url, experiments=[experiment])
    assert '[[experiments]] "tone"' in str(raised.value) and problem in str(raised.value)


@pytest.mark.parametrize(
    ("locale", "opening", "step"),
    [
        ("en", "Hey Grace, we're really glad", "⬜ Say hello in a community channel"),
        ("zh-hans", "嗨 Grace，真高兴你来了", "⬜ 在社区频道里打个招呼"),
    ],
)
async def test_the_shipped_example_variant_renders_with_the_checklist(
    make_chat: MakeChat, locale: str, opening: str, step: str
) -> None:
    chat = await make_chat(
        {
            "name": "welcome-tone",
            "message": "welcome",
            "variants": ["warm"],
            "folder": str(REPO / "templates/experiments/welcome-tone"),
        }
    )
    await chat.joins(TG, "grace", GROUP, locale=locale)
    await chat.app.dispatcher.dispatch_due()
    (welcome,) = chat.telegram.sent
    text = plain(welcome.text)
    assert text.startswith(opening) and step in text
