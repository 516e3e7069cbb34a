"""``townhall run`` when a platform is not there at start: the other one works regardless.

A platform that cannot be reached is tried again with backoff and joins once it answers; a
platform that refuses the bot's token stays off with one line naming it, without a traceback.
"""

from __future__ import annotations

import signal
import socket
from pathlib import Path

from tests.contract.test_run_end_to_end import (
    HELP_GROUP,
    QUESTION,
    STOP_SECONDS,
    Townhall,
    ask_on_discord,
    config_file,
    discord_fake,
    launch,
)
from tests.fakes.telegram_api import TOKEN, TelegramFake, user


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _stopped(townhall: Townhall) -> int:
    townhall.process.send_signal(signal.SIGTERM)
    return await townhall.exit_code(STOP_SECONDS)


async def test_a_rejected_telegram_token_leaves_discord_running(tmp_path: Path) -> None:
    async with TelegramFake(token="42:the-real-one") as telegram, discord_fake() as discord:
        config = config_file(tmp_path, telegram.base_url, discord)
        async with launch(config, telegram_token=TOKEN, until="discord connected") as townhall:
            assert "/link" in await ask_on_discord(discord)
            assert await _stopped(townhall) == 0
    refused = [line for line in townhall.output if "telegram stays off" in line]
    assert len(refused) == 1 and "token" in refused[0], "\n".join(townhall.output)
    assert not any("Traceback" in line for line in townhall.output), "\n".join(townhall.output)


async def test_a_rejected_discord_token_leaves_telegram_running(tmp_path: Path) -> None:
    async with TelegramFake() as telegram, discord_fake(token="the-real-one") as discord:
        config = config_file(tmp_path, telegram.base_url, discord)
        async with launch(config, telegram_token=TOKEN, until="telegram connected") as townhall:
            telegram.push_message(QUESTION, chat_id=HELP_GROUP, sender=user(1001))
            (answer,) = await townhall.telegram_calls(telegram, "sendMessage", HELP_GROUP)
            assert "/link" in answer["text"]
            assert await _stopped(townhall) == 0
    refused = [line for line in townhall.output if "discord stays off" in line]
    assert len(refused) == 1 and "token" in refused[0], "\n".join(townhall.output)
    assert not any("Traceback" in line for line in townhall.output), "\n".join(townhall.output)


async def test_telegram_unreachable_at_start_is_retried_while_discord_answers(
    tmp_path: Path,
) -> None:
    port = _free_port()
    async with discord_fake() as discord:
        config = config_file(tmp_path, f"http://127.0.0.1:{port}/bot", discord)
        async with launch(config, telegram_token=TOKEN, until="discord connected") as townhall:
            assert "/link" in await ask_on_discord(discord)
            await townhall.line("telegram unreachable at start")
            async with TelegramFake(port=port) as telegram:
                await townhall.line("telegram connected")
                telegram.push_message(QUESTION, chat_id=HELP_GROUP, sender=user(1001))
                (answer,) = await townhall.telegram_calls(telegram, "sendMessage", HELP_GROUP)
                assert "/link" in answer["text"]
                assert await _stopped(townhall) == 0
    assert not any("Traceback" in line for line in townhall.output), "\n".join(townhall.output)
