"""The real discord.py, the Discord adapter and the whole app, against a loopback Discord."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import select

from core.events import OutgoingMessage, Platform, RenderedButton, Reply
from core.features.faq.models import AnswerLog
from core.features.feedback.models import FeedbackItem
from core.features.tickets.models import Ticket
from core.members.models import Identity
from core.outbox import OutboxMessage
from tests.contract.conftest import drain, interact, new_id, posted
from tests.contract.conftest import slash as command
from tests.contract.discord_world import (
    ADA,
    BOB,
    CAROL,
    DAVE,
    ERIN,
    FRANK,
    GRACE,
    HENRY,
    MALLORY,
    NEWCOMER,
    NO_PINGS,
    World,
    interaction_payload,
    message_payload,
    open_world,
    renderer_text,
)
from tests.fakes import discord_api as fake_api

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    async with open_world(tmp_path_factory.mktemp("discord")) as opened:
        yield opened


async def test_question_in_a_help_channel_is_answered_in_place(world: World) -> None:
    asked = message_payload(ADA, "how do I link my telegram account?", fake_api.HELP_CHANNEL)
    await world.fake.dispatch("MESSAGE_CREATE", asked)
    (body,) = await posted(world.fake, fake_api.HELP_CHANNEL)
    assert "/link" in body["content"]
    assert str(body["message_reference"]["message_id"]) == asked["id"]
    assert body["allowed_mentions"] == NO_PINGS
    buttons = body["components"][0]["components"]
    assert [b["custom_id"].split(":")[0] for b in buttons] == ["faq.vote", "faq.vote"]


async def test_question_in_a_dm_is_answered_in_the_dm(world: World) -> None:
    dm_channel = new_id()
    asked = message_payload(ADA, "connect discord and telegram", dm_channel, guild=False)
    await world.fake.dispatch("MESSAGE_CREATE", asked)
    (body,) = await posted(world.fake, dm_channel)
    assert "/link" in body["content"]
    assert "message_reference" not in body


async def test_slash_command_with_an_argument_answers_privately_in_chinese(world: World) -> None:
    option = {"type": 3, "name": "language", "value": "zh-cn"}
    body = await interact(world.fake, interaction_payload(FRANK, command("language", option)))
    assert body["type"] == 4
    assert body["data"]["flags"] == 64
    expected = renderer_text("general/language_set", {"chosen": "zh-CN"}, "zh-CN")
    assert body["data"]["content"] == expected
    assert body["data"]["allowed_mentions"] == NO_PINGS


@pytest.mark.parametrize(
    ("who", "allowed"), [(ADA, False), (CAROL, True), (DAVE, True)], ids=["member", "manage", "mod"]
)
async def test_moderator_command_needs_a_moderator(world: World, who: str, allowed: bool) -> None:
    body = await interact(world.fake, interaction_payload(who, command("faq", sub="list")))
    content = body["data"]["content"]
    forbidden = renderer_text("core/forbidden", {"command": "faq list"})
    assert body["data"]["flags"] == 64
    assert (content != forbidden) is allowed
    if allowed:
        assert "link-accounts" in content


async def test_a_button_pressed_twice_records_one_vote(world: World) -> None:
    dm_channel = new_id()
    asked = message_payload(BOB, "how do i link my telegram account", dm_channel, guild=False)
    await world.fake.dispatch("MESSAGE_CREATE", asked)
    (answer,) = await posted(world.fake, dm_channel)
    up = answer["components"][0]["components"][0]["custom_id"]
    for _ in range(2):
        press = interaction_payload(BOB, {"custom_id": up, "component_type": 2}, kind=3)
        body = await interact(world.fake, press)
        assert body["type"] == 4 and body["data"]["flags"] == 64
    async with world.app.services.database.session() as session:
        logs = list(await session.scalars(select(AnswerLog).where(AnswerLog.vote.is_not(None))))
    voted = [log for log in logs if str(log.id) == up.split(":")[1]]
    assert [log.vote for log in voted] == ["up"]


async def test_a_member_who_joins_is_welcomed_in_the_system_channel_once(world: World) -> None:
    joined = {
        "guild_id": fake_api.GUILD_ID,
        "user": fake_api.user(NEWCOMER, "newcomer"),
        "roles": [],
        "nick": None,
        "joined_at": "2025-11-20T11:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
    }
    channel = fake_api.GENERAL_CHANNEL
    before = len(world.fake.calls_to("POST", rf"/channels/{channel}/messages"))
    await world.fake.dispatch("GUILD_MEMBER_ADD", joined)
    event, replies = await world.recorder.wait_for(lambda e: e.actor.platform_user_id == NEWCOMER)
    assert event.kind.value == "member_joined"
    assert event.place.chat_id == channel
    assert replies == [], "a welcome goes through the outbox, not as a reply"
    await world.app.dispatcher.dispatch_due()
    welcome = (await posted(world.fake, channel, before + 1))[before]
    assert welcome["content"].startswith("Welcome, Newcomer!")
    assert "/ask" in welcome["content"] and welcome["allowed_mentions"] == NO_PINGS

    rejoined = joined | {"joined_at": "2025-11-20T12:00:00+00:00"}
    await world.fake.dispatch("GUILD_MEMBER_ADD", rejoined)
    await world.recorder.wait_for(lambda e: e.event_id.endswith("12:00:00+00:00"))
    await world.app.dispatcher.dispatch_due()
    assert len(world.fake.calls_to("POST", rf"/channels/{channel}/messages")) == before + 1


async def test_dm_to_a_member_with_closed_dms_marks_them_unreachable(world: World) -> None:
    await interact(world.fake, interaction_payload(ERIN, command("help")))
    async with world.app.services.database.session() as session:
        identity = await session.scalar(select(Identity).where(Identity.platform_user_id == ERIN))
        assert identity is not None
        member_id = identity.member_id
        queued = await world.app.services.notifier.to_member(
            session, member_id, Reply("general/start", {"name": "Erin"}), key="erin-hello"
        )
        await session.commit()
    assert queued
    await world.app.dispatcher.dispatch_due()
    async with world.app.services.database.session() as session:
        identity = await session.scalar(select(Identity).where(Identity.platform_user_id == ERIN))
        row = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.idempotency_key == "erin-hello")
        )
    assert identity is not None and identity.unreachable_at is not None
    assert row is not None and row.status == "failed"
    assert row.last_error is not None and "blocked" in row.last_error and "50007" in row.last_error
    assert row.payload["text"]


async def test_429_is_waited_out_and_sent_once(world: World) -> None:
    channel = fake_api.GENERAL_CHANNEL
    world.fake.rate_limit_once(rf"/channels/{channel}/messages", 0.3)
    before = len(world.fake.calls_to("POST", rf"/channels/{channel}/messages"))
    loop = asyncio.get_running_loop()
    started = loop.time()
    receipt = await world.adapter.send(
        OutgoingMessage(Platform.DISCORD, "after the wait", chat_id=channel)
    )
    assert receipt.ok and receipt.message_id
    assert loop.time() - started >= 0.3
    calls = world.fake.calls_to("POST", rf"/channels/{channel}/messages")[before:]
    assert [c.body["content"] for c in calls] == ["after the wait", "after the wait"]
    assert [c.status for c in calls] == [429, 200]


async def test_long_answer_arrives_split(world: World) -> None:
    channel = new_id()
    text = "\n\n".join(f"Paragraph {n}. " + "word " * 200 for n in range(7))[:6000]
    button = RenderedButton("👍", "faq.vote:1:up")
    receipt = await world.adapter.send(
        OutgoingMessage(Platform.DISCORD, text, chat_id=channel, buttons=(button,))
    )
    assert receipt.ok
    bodies = await posted(world.fake, channel, count=3)
    assert len(text) == 6000 and len(bodies) >= 3
    assert all(len(b["content"]) <= 2000 for b in bodies)
    assert "".join(b["content"] for b in bodies).replace(" ", "").replace("\n", "") == (
        text.replace(" ", "").replace("\n", "")
    )
    assert [bool(b.get("components")) for b in bodies] == [False] * (len(bodies) - 1) + [True]


async def test_member_text_cannot_ping(world: World) -> None:
    nick = f"@everyone <@&{fake_api.MOD_ROLE}> @here"
    body = await interact(world.fake, interaction_payload(MALLORY, command("start"), nick=nick))
    content = body["data"]["content"]
    assert body["data"]["allowed_mentions"] == NO_PINGS
    assert "@everyone" not in content and "@here" not in content
    assert f"<@&{fake_api.MOD_ROLE}>" not in content
    assert "everyone" in content


async def test_autocomplete_offers_entry_ids(world: World) -> None:
    focused = {"type": 3, "name": "entry_id", "value": "link", "focused": True}
    payload = interaction_payload(CAROL, command("faq", focused, sub="show"), kind=4)
    body = await interact(world.fake, payload)
    assert body["type"] == 8
    assert {"name": "link-accounts", "value": "link-accounts"} in body["data"]["choices"]


async def test_sync_publishes_commands_with_chinese_descriptions(world: World) -> None:
    count = await world.adapter.sync_commands(int(fake_api.GUILD_ID))
    path = rf"/applications/{fake_api.APP_ID}/guilds/{fake_api.GUILD_ID}/commands"
    (call,) = world.fake.calls_to("PUT", path)
    published = {c["name"]: c for c in call.body}  # type: ignore[attr-defined]
    assert count == len(published) and {"faq", "language", "ask"} <= set(published)
    assert published["ask"]["description_localizations"]["zh-CN"] == "向知识库提问"
    subs = {o["name"]: o for o in published["faq"]["options"]}
    entry = subs["show"]["options"][0]
    assert entry["autocomplete"] is True and entry["type"] == 3
    language = published["language"]["options"][0]
    assert [c["value"] for c in language["choices"]] == ["en", "zh-cn", "auto"]
    feedback = {o["name"]: o for o in published["feedback"]["options"]}
    title = {o["name"]: o for o in feedback["new"]["options"]}["title"]
    assert not title.get("required"), "the form asks for it when it is left out"
    assert title["description_localizations"]["zh-CN"] == "一句话概括"


async def test_a_ticket_opens_a_private_thread_the_member_shares_with_staff(world: World) -> None:
    subject = {"type": 3, "name": "subject", "value": "Cannot log in"}
    description = {"type": 3, "name": "description", "value": "The password reset mail never comes"}
    opening = interaction_payload(ADA, command("ticket", subject, description, sub="open"))
    body = await interact(world.fake, opening)
    assert body["data"]["flags"] == 64 and "private thread" in body["data"]["content"]
    (created,) = world.fake.calls_to("POST", rf"/channels/{fake_api.SUPPORT_CHANNEL}/threads")
    assert created.body["type"] == 12 and created.body["invitable"] is False
    thread_id = next(t for t, v in world.fake.threads.items() if v["name"] == created.body["name"])
    assert world.fake.thread_members[thread_id] == [ADA]
    await world.app.dispatcher.dispatch_due()
    (announcement,) = await posted(world.fake, thread_id)
    assert "Cannot log in" in announcement["content"]
    assert announcement["allowed_mentions"] == NO_PINGS

    answer = message_payload(DAVE, "A new reset mail is on its way", thread_id)
    await world.fake.dispatch("MESSAGE_CREATE", answer)
    event, _ = await world.recorder.wait_for(lambda e: e.message_id == answer["id"])
    assert event.place.thread_id == thread_id
    async with world.app.services.database.session() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.staff_thread_id == thread_id))
    assert ticket is not None and ticket.member_inside
    assert ticket.first_response_at is not None, "a staff message in the thread is the answer"
    assert ticket.status == "waiting_on_member"

    rating = await resolved_by_staff(world, ticket, ADA)
    labels = [b["label"] for b in rating["components"][0]["components"]]
    assert labels == ["1", "2", "3", "4", "5"]


async def resolved_by_staff(world: World, ticket: Ticket, member: str) -> dict[str, Any]:
    """A moderator resolves ``ticket`` with /ticket resolve; the rating question the member
    then gets in their DM."""
    dm = world.fake.dm_channel_of(member)
    before = len(world.fake.calls_to("POST", rf"/channels/{dm}/messages")) if dm else 0
    resolve = command("ticket", {"type": 3, "name": "ticket", "value": ticket.ref}, sub="resolve")
    await interact(world.fake, interaction_payload(DAVE, resolve))
    await drain(world.app)
    dm = world.fake.dm_channel_of(member)
    assert dm is not None
    return (await posted(world.fake, dm, before + 1))[-1]


async def test_opening_a_ticket_without_its_text_asks_for_it_in_a_modal(world: World) -> None:
    body = await interact(world.fake, interaction_payload(BOB, command("ticket", sub="open")))
    assert body["type"] == 9
    form = body["data"]
    assert form["custom_id"] == "form:ticket open"
    fields = [c["components"][0] for c in form["components"]]
    assert [(f["custom_id"], f["style"]) for f in fields] == [("subject", 1), ("description", 2)]

    filled = [
        {"type": 1, "components": [{"type": 4, "custom_id": "subject", "value": "Avatar upload"}]},
        {"type": 1, "components": [{"type": 4, "custom_id": "description", "value": "It hangs"}]},
    ]
    submit = {"custom_id": form["custom_id"], "components": filled}
    answered = await interact(world.fake, interaction_payload(BOB, submit, kind=5))
    assert answered["type"] == 4 and "Avatar upload" in answered["data"]["content"]
    async with world.app.services.database.session() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.subject == "Avatar upload"))
    assert ticket is not None and ticket.description == "It hangs"


async def test_feedback_typed_in_a_form_keeps_the_category_chosen_in_the_command(
    world: World,
) -> None:
    category = {"type": 3, "name": "category", "value": "bug"}
    opening = interaction_payload(BOB, command("feedback", category, sub="new"))
    opening["locale"] = "zh-CN"
    body = await interact(world.fake, opening)
    assert body["type"] == 9
    form = body["data"]
    assert form["custom_id"] == "form:feedback new?category=bug"
    fields = [c["components"][0] for c in form["components"]]
    assert [f["label"] for f in fields] == ["一句话概括", "细节、步骤、原因"]
    assert [f["required"] for f in fields] == [True, False]

    filled = [
        {"type": 1, "components": [{"type": 4, "custom_id": "title", "value": "头像上传卡住"}]},
        {"type": 1, "components": [{"type": 4, "custom_id": "description", "value": ""}]},
    ]
    submit = {"custom_id": form["custom_id"], "components": filled}
    await interact(world.fake, interaction_payload(BOB, submit, kind=5))
    async with world.app.services.database.session() as session:
        item = await session.scalar(select(FeedbackItem))
    assert item is not None and (item.category, item.title) == ("bug", "头像上传卡住")


async def test_a_ticket_panel_button_opens_the_ticket_form(world: World) -> None:
    words = {"type": 3, "name": "text", "value": "Stuck? Press below."}
    posted_panel = await interact(
        world.fake, interaction_payload(DAVE, command("ticket", words, sub="panel"))
    )
    assert posted_panel["type"] == 4 and "flags" not in posted_panel["data"]
    assert posted_panel["data"]["content"] == "Stuck? Press below."
    (button,) = posted_panel["data"]["components"][0]["components"]
    assert button["label"] == "🎫 Open a ticket"

    press = interaction_payload(
        BOB, {"custom_id": button["custom_id"], "component_type": 2}, kind=3
    )
    form = await interact(world.fake, press)
    assert form["type"] == 9 and form["data"]["custom_id"] == "form:ticket open"
    filled = [
        {"type": 1, "components": [{"type": 4, "custom_id": "subject", "value": "Panel ticket"}]},
        {"type": 1, "components": [{"type": 4, "custom_id": "description", "value": "Help"}]},
    ]
    submit = {"custom_id": "form:ticket open", "components": filled}
    await interact(world.fake, interaction_payload(BOB, submit, kind=5))
    async with world.app.services.database.session() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.subject == "Panel ticket"))
    assert ticket is not None and ticket.description == "Help"


async def test_a_declined_question_becomes_a_resolved_rated_ticket(world: World) -> None:
    dm_channel = new_id()
    question = "what is the airspeed velocity of an unladen swallow"
    await world.fake.dispatch(
        "MESSAGE_CREATE", message_payload(GRACE, question, dm_channel, guild=False)
    )
    (declined,) = await posted(world.fake, dm_channel)
    (ask,) = [b for b in declined["components"][0]["components"] if "Ask a human" in b["label"]]
    press = interaction_payload(GRACE, {"custom_id": ask["custom_id"], "component_type": 2}, kind=3)
    opened = await interact(world.fake, press)
    assert "private thread" in opened["data"]["content"]
    async with world.app.services.database.session() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.subject == question))
    assert ticket is not None and ticket.staff_thread_id is not None
    thread_id = ticket.staff_thread_id
    assert world.fake.thread_members[thread_id] == [GRACE]

    answer = message_payload(DAVE, "About 11 metres a second", thread_id)
    await world.fake.dispatch("MESSAGE_CREATE", answer)
    await world.recorder.wait_for(lambda e: e.message_id == answer["id"])
    rating = await resolved_by_staff(world, ticket, GRACE)
    four = rating["components"][0]["components"][3]
    for said in ("Thanks for rating", "You already rated"):
        pressed = {"custom_id": four["custom_id"], "component_type": 2}
        body = await interact(world.fake, interaction_payload(GRACE, pressed, kind=3))
        assert said in body["data"]["content"]
    async with world.app.services.database.session() as session:
        rated = await session.get_one(Ticket, ticket.id)
    assert (rated.status, rated.csat_score) == ("resolved", 4)


async def test_a_member_with_closed_dms_rates_in_the_ticket_thread_and_staff_hear_why(
    world: World,
) -> None:
    subject = {"type": 3, "name": "subject", "value": "Henry's export"}
    description = {"type": 3, "name": "description", "value": "The export is empty"}
    opening = command("ticket", subject, description, sub="open")
    await interact(world.fake, interaction_payload(HENRY, opening))
    world.fake.closed_dms.add(HENRY)
    async with world.app.services.database.session() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.subject == "Henry's export"))
    assert ticket is not None and ticket.member_inside and ticket.staff_thread_id is not None
    thread = ticket.staff_thread_id
    ref = {"type": 3, "name": "ticket", "value": ticket.ref}
    await interact(world.fake, interaction_payload(DAVE, command("ticket", ref, sub="resolve")))
    channel = fake_api.SUPPORT_CHANNEL
    before = len(world.fake.calls_to("POST", rf"/channels/{channel}/messages"))
    for _ in range(2):
        await world.app.tick()
    told = (await posted(world.fake, channel, before + 1))[before:]
    assert len(told) == 1, "told once, in the staff channel, not in the thread Henry shares"
    assert "henry" in told[0]["content"].lower() and "can't be reached" in told[0]["content"]
    (asked,) = [m for m in await posted(world.fake, thread) if m.get("components")][-1:]
    assert "How did we do" in asked["content"]
    five = asked["components"][0]["components"][4]["custom_id"]
    pressed = {"custom_id": five, "component_type": 2}
    by_staff = await interact(world.fake, interaction_payload(DAVE, pressed, kind=3))
    assert "Only the member who opened" in by_staff["data"]["content"]
    by_henry = await interact(world.fake, interaction_payload(HENRY, pressed, kind=3))
    assert "Thanks for rating" in by_henry["data"]["content"]

    await interact(world.fake, interaction_payload(DAVE, command("ticket", ref, sub="reopen")))
    seen = len(await posted(world.fake, thread))
    await interact(world.fake, interaction_payload(DAVE, command("ticket", ref, sub="resolve")))
    await world.app.dispatcher.dispatch_due()
    again = (await posted(world.fake, thread, seen + 1))[seen:]
    assert any("How did we do" in m["content"] for m in again), "asked in the thread at once"
    for _ in range(2):
        await world.app.tick()
    asked_in_thread = [
        m for m in await posted(world.fake, thread) if "How did we do" in m["content"]
    ]
    assert len(asked_in_thread) == 2, "once per resolution"
    async with world.app.services.database.session() as session:
        rated = await session.get_one(Ticket, ticket.id)
    assert rated.status == "resolved" and rated.csat_score is None
