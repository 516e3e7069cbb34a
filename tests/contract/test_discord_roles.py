"""Discord roles through discord.py against the loopback Discord: a change the core queues
becomes role requests on the member, and a refusal (403, 50013) is told to staff once."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy import select

from core.members.models import Identity
from core.places import configured_place
from tests.contract.conftest import drain
from tests.contract.discord_world import ADA, BOB, World, message_payload, open_world
from tests.fakes import discord_api as fake_api

pytestmark = pytest.mark.asyncio(loop_scope="module")

LOW, HIGH, ABOVE_BOT = "1000000000000000081", "1000000000000000082", "1000000000000000083"
ROLES = {LOW: ("Member", 2), HIGH: ("Contributor", 3), ABOVE_BOT: ("Core", 20)}
STAFF = configured_place(f"discord:{fake_api.SUPPORT_CHANNEL}")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    async with open_world(tmp_path_factory.mktemp("discord-roles"), roles=ROLES) as opened:
        yield opened


async def _member(world: World, user_id: str) -> int:
    said = message_payload(user_id, "hello everyone, glad to be here", fake_api.GENERAL_CHANNEL)
    await world.fake.dispatch("MESSAGE_CREATE", said)
    await world.recorder.wait_for(lambda e: e.message_id == said["id"])
    async with world.app.services.database.session() as session:
        found = await session.scalar(
            select(Identity.member_id).where(Identity.platform_user_id == user_id)
        )
    assert found is not None
    return int(found)


async def _change(world: World, member_id: int, key: str, add: str, remove: str) -> None:
    services = world.app.services
    async with services.database.session() as session:
        await services.notifier.change_roles(
            session, member_id, add=[add], remove=[remove], key=key, report_to=STAFF
        )
        await session.commit()
    await drain(world.app)
    # A refusal queues the staff's warning in a pass that sent nothing: one more.
    await drain(world.app)


def _role_calls(world: World, user_id: str) -> list[fake_api.Call]:
    path = rf"/guilds/{fake_api.GUILD_ID}/members/{user_id}/roles/\d+"
    return [*world.fake.calls_to("PUT", path), *world.fake.calls_to("DELETE", path)]


async def test_a_role_change_adds_one_role_and_removes_another(world: World) -> None:
    ada = await _member(world, ADA)
    await _change(world, ada, "test:ada:1", LOW, HIGH)
    assert world.fake.roles_of(ADA) == [LOW]
    await _change(world, ada, "test:ada:2", HIGH, LOW)
    assert world.fake.roles_of(ADA) == [HIGH]
    calls = [(c.method, c.path.rsplit("/", 1)[1], c.status) for c in _role_calls(world, ADA)]
    assert calls == [("PUT", LOW, 204), ("PUT", HIGH, 204), ("DELETE", LOW, 204)], (
        "removing a role ada never had costs no request"
    )


async def test_missing_manage_roles_is_told_to_staff_once_and_never_retried(
    world: World,
) -> None:
    bob = await _member(world, BOB)
    staff_posts = rf"/channels/{fake_api.SUPPORT_CHANNEL}/messages"
    world.fake.bot_manages_roles = False
    try:
        await _change(world, bob, "test:bob:1", LOW, HIGH)
        await _change(world, bob, "test:bob:2", HIGH, LOW)
        await _change(world, bob, "test:bob:3", LOW, HIGH)
    finally:
        world.fake.bot_manages_roles = True
    refused = [c for c in _role_calls(world, BOB) if c.status == 403]
    assert len(refused) == 3, "one request per change: no retry loop"
    (told,) = world.fake.calls_to("POST", staff_posts)
    assert "Manage Roles" in told.body["content"]
    assert world.fake.roles_of(BOB) == []


async def test_a_role_above_the_bots_own_is_refused_and_told(world: World) -> None:
    ada = await _member(world, ADA)
    await _change(world, ada, "test:ada:3", ABOVE_BOT, HIGH)
    (refused,) = [c for c in _role_calls(world, ADA) if c.status == 403]
    assert refused.path.endswith(ABOVE_BOT)
    staff = world.fake.calls_to("POST", rf"/channels/{fake_api.SUPPORT_CHANNEL}/messages")
    assert any(ABOVE_BOT in call.body["content"] for call in staff)
