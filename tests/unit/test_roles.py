"""Role changes through the outbox: queued once, carried out by the adapter, and a refusal
told to staff once instead of retried."""

from __future__ import annotations

from sqlalchemy import select

from core.events import Place, PlaceKind, RoleChange
from core.members.models import Identity
from core.outbox import OutboxMessage
from tests.unit.chat import DC, TG, Chat

STAFF = Place(DC, "staff", PlaceKind.CHANNEL)


async def _member_of(chat: Chat, user: str) -> int:
    async with chat.app.services.database.session() as session:
        found = await session.scalar(
            select(Identity.member_id).where(Identity.platform_user_id == user)
        )
    assert found is not None
    return int(found)


async def _change(chat: Chat, member_id: int, key: str, add: str, *remove: str) -> int:
    services = chat.app.services
    async with services.database.session() as session:
        queued = await services.notifier.change_roles(
            session, member_id, add=[add], remove=remove, key=key, report_to=STAFF
        )
        await session.commit()
    return queued


async def test_a_role_change_reaches_the_discord_account_once(chat: Chat) -> None:
    await chat.say(DC, "ada", "hello")
    ada = await _member_of(chat, "ada")
    assert await _change(chat, ada, "tier:1", "r-member", "r-newcomer") == 1
    assert await _change(chat, ada, "tier:1", "r-member", "r-newcomer") == 0, "same key"
    await chat.app.dispatcher.dispatch_due()
    (sent,) = chat.discord.sent
    assert sent.roles == RoleChange("ada", ("r-member",), ("r-newcomer",))
    assert sent.text == ""


async def test_a_member_only_on_telegram_gets_no_role_change(chat: Chat) -> None:
    await chat.say(TG, "bob", "hello")
    assert await _change(chat, await _member_of(chat, "bob"), "tier:2", "r-member") == 0


async def test_a_refused_role_change_is_told_to_staff_once_and_not_retried(chat: Chat) -> None:
    chat.discord.refuses_roles = True
    for user in ("ada", "bob"):
        await chat.say(DC, user, "hello")
        await _change(chat, await _member_of(chat, user), f"tier:{user}", "r-core", "r-member")
        await chat.app.dispatcher.dispatch_due()
    await chat.app.dispatcher.dispatch_due()
    (told,) = chat.discord.sent
    assert told.key == "core/roles_refused"
    assert told.chat_id == "staff"
    assert "Manage Roles" in told.text and "r-core" in told.text
    async with chat.app.services.database.session() as session:
        statuses = list(await session.scalars(select(OutboxMessage.status)))
    assert statuses.count("failed") == 2, "each refused change given up, not retried"
