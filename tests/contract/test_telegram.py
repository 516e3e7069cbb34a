"""The real python-telegram-bot, the whole app, and a loopback Telegram (tests/fakes).

One app per module: building the knowledge index is the slow part. Tests stay independent
by using their own user ids and chats, and wait for what they expect with a bounded wait
woken by every call the fake receives.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import select

from core.events import (
    Attachment,
    EventKind,
    OutgoingMessage,
    Platform,
    RenderedButton,
    Reply,
)
from core.features.faq.models import AnswerLog
from core.members.models import Identity, Member
from core.outbox import OutboxMessage
from tests.contract.conftest import Harness, drain, running
from tests.fakes.telegram_api import BOT_USERNAME, TelegramFake, user

pytestmark = pytest.mark.asyncio(loop_scope="module")

HELP_GROUP = -1001000000001
MOD_GROUP = -1001000000002
NEWS_GROUP = -1001000000003
FILES_GROUP = -1001000000004
OLD_GROUP = -4000000001
NEW_GROUP = -1001000000005
# The PNG signature and some padding: a file upload that is recognisably a PNG.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
STAFF_GROUP = -1001000000006
QUESTION = "how do i link my telegram account?"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def tg(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Harness]:
    fake = TelegramFake()
    await fake.start()
    fake.administrators[MOD_GROUP] = [2001]
    # Sam and Kim work the support desk: only moderators' messages there reach members.
    fake.administrators[STAFF_GROUP] = [2001, 2002]
    folder = tmp_path_factory.mktemp("telegram")
    try:
        help_channels = {"help_channels": [f"telegram:{HELP_GROUP}"]}
        desk = {"staff_places": [f"telegram:{STAFF_GROUP}"]}
        async with running(folder, telegram=fake, faq=help_channels, tickets=desk) as world:
            yield world.telegram_harness(fake)
    finally:
        await fake.stop()


async def test_start_registers_the_command_menu_per_language_and_scope(tg: Harness) -> None:
    calls = tg.fake.called("setMyCommands")
    menus = {
        (c.get("language_code"), c["scope"]["type"]): [x["command"] for x in c["commands"]]
        for c in calls
    }
    assert "faq" not in menus[(None, "default")]
    assert {"ask", "help", "language", "start"} <= set(menus[(None, "default")])
    assert "faq" in menus[(None, "all_chat_administrators")]
    zh = {x["command"]: x["description"] for x in calls[-1]["commands"]}
    assert calls[-1]["language_code"] == "zh"
    assert zh["faq"] == "向知识库添加一条回答"


async def test_confident_question_in_a_help_group_is_answered_in_reply(tg: Harness) -> None:
    asked = tg.fake.push_message(QUESTION, chat_id=HELP_GROUP, sender=user(1001))
    (answer,) = await tg.reply_to(HELP_GROUP)
    assert "/link" in answer["text"]
    assert answer["parse_mode"] == "HTML"
    assert answer["link_preview_options"] == {"is_disabled": True}
    assert answer["reply_parameters"]["message_id"] == asked["message"]["message_id"]
    labels = [b["callback_data"] for row in answer["reply_markup"]["inline_keyboard"] for b in row]
    assert [d.rsplit(":", 1)[1] for d in labels] == ["up", "down"]


async def test_question_in_a_dm_is_answered_there(tg: Harness) -> None:
    tg.fake.push_message(QUESTION, chat_id=1002, sender=user(1002))
    (answer,) = await tg.reply_to(1002)
    assert "/link" in answer["text"]
    assert "reply_parameters" not in answer


async def test_command_with_arguments_switches_the_language(tg: Harness) -> None:
    tg.fake.push_message(f"/language@{BOT_USERNAME} zh-cn", chat_id=1003, sender=user(1003))
    (reply,) = await tg.reply_to(1003)
    assert "简体中文" in reply["text"]
    tg.fake.push_message(QUESTION, chat_id=1003, sender=user(1003))
    answer = (await tg.reply_to(1003, 2))[1]
    assert "/link" in answer["text"]


async def test_moderator_command_is_refused_to_a_member_and_served_to_an_admin(
    tg: Harness,
) -> None:
    tg.fake.push_message("/faq list", chat_id=MOD_GROUP, sender=user(2002))
    (refusal,) = await tg.reply_to(2002)
    assert "Only moderators" in refusal["text"]
    tg.fake.push_message("/faq list", chat_id=MOD_GROUP, sender=user(2001))
    (listing,) = await tg.reply_to(2001)
    assert "entries (en)" in listing["text"]
    assert tg.sent_to(MOD_GROUP) == []
    lookups = [c for c in tg.fake.called("getChatAdministrators") if c["chat_id"] == MOD_GROUP]
    assert len(lookups) == 1


async def test_private_reply_to_someone_who_never_started_the_bot_links_to_it(
    tg: Harness,
) -> None:
    tg.fake.not_started.add(2003)
    tg.fake.push_message("/faq list", chat_id=MOD_GROUP, sender=user(2003))
    (note,) = await tg.reply_to(MOD_GROUP)
    assert f"https://t.me/{BOT_USERNAME}?start=" in note["text"]


async def test_a_button_pressed_twice_has_one_effect_and_is_answered_both_times(
    tg: Harness,
) -> None:
    tg.fake.push_message(QUESTION, chat_id=1004, sender=user(1004))
    await tg.reply_to(1004)
    call = next(
        c for c in tg.fake.calls if c.method == "sendMessage" and c.params["chat_id"] == 1004
    )
    thumbs_up = call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    answers_before = len(tg.fake.called("answerCallbackQuery"))
    for _ in range(2):
        tg.fake.push_callback(thumbs_up, sender=user(1004), message=call.result)
    replies = await tg.reply_to(1004, 3)
    assert replies[1]["text"] == replies[2]["text"]
    assert "Glad it helped" in replies[1]["text"]
    assert len(tg.fake.called("answerCallbackQuery")) == answers_before + 2
    log_id = int(thumbs_up.split(":")[1])
    async with tg.app.services.database.session() as session:
        logs = list(await session.scalars(select(AnswerLog).where(AnswerLog.id == log_id)))
    assert [(log.vote, log.answered) for log in logs] == [("up", True)]


async def test_a_member_joining_is_welcomed_in_the_group_once(tg: Harness) -> None:
    joined = {
        "message_id": 1,
        "date": 1795000000,
        "chat": {"id": HELP_GROUP, "type": "supergroup", "title": "help"},
        "from": user(5001, "Grace", language_code="zh-hans"),
        "new_chat_members": [user(5001, "Grace", language_code="zh-hans")],
    }
    tg.fake.push({"message": joined})
    event, replies = await tg.until(
        lambda: next((h for h in tg.handled if h[0].kind is EventKind.MEMBER_JOINED), None)
    )
    assert event.actor.platform_user_id == "5001"
    assert replies == [], "a welcome goes through the outbox, not as a reply"
    await tg.app.dispatcher.dispatch_due()
    (welcome,) = [p for p in tg.sent_to(HELP_GROUP) if "Grace" in p["text"]]
    assert welcome["text"].startswith("欢迎你，Grace！") and "/help" in welcome["text"]
    assert "reply_parameters" not in welcome
    tg.fake.push({"message": joined | {"message_id": 2}})
    await tg.until(
        lambda: len([h for h in tg.handled if h[0].kind is EventKind.MEMBER_JOINED]) == 2
    )
    await tg.app.dispatcher.dispatch_due()
    assert len([p for p in tg.sent_to(HELP_GROUP) if "Grace" in p["text"]]) == 1


async def _queue_dm(tg: Harness, user_id: int, key: str) -> int:
    """A DM through the outbox, as sweeps send them, to someone who has talked to the bot."""
    tg.fake.push_message("/start", chat_id=user_id, sender=user(user_id))
    await tg.reply_to(user_id)
    async with tg.app.services.database.session() as session:
        identity = await session.scalar(
            select(Identity).where(Identity.platform_user_id == str(user_id))
        )
        assert identity is not None
        await tg.app.services.notifier.to_member(
            session, identity.member_id, Reply("general/start", {"name": "you"}), key
        )
        await session.commit()
        return identity.member_id


async def test_outbox_dm_to_a_member_who_blocked_the_bot_marks_them_unreachable(
    tg: Harness,
) -> None:
    member_id = await _queue_dm(tg, 3001, "test:blocked")
    tg.fake.blocked.add(3001)
    await drain(tg.app)
    async with tg.app.services.database.session() as session:
        row = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.idempotency_key == "test:blocked")
        )
        identity = await session.scalar(select(Identity).where(Identity.platform_user_id == "3001"))
        member = await session.get(Member, member_id)
    assert row is not None and row.status == "failed"
    assert row.last_error == "blocked: bot was blocked by the user"
    assert identity is not None and identity.unreachable_at is not None
    assert member is not None


async def test_a_429_is_waited_out_and_the_message_sent_once(tg: Harness) -> None:
    await _queue_dm(tg, 3002, "test:429")
    tg.fake.retry_after_next(1, chat_id=3002)
    runner = asyncio.create_task(tg.app.dispatcher.run(idle_interval=0.2))
    try:
        await tg.reply_to(3002, 2)
    finally:
        runner.cancel()
    attempts = [
        c for c in tg.fake.calls if c.method == "sendMessage" and c.params["chat_id"] == 3002
    ]
    refused, delivered = attempts[-2], attempts[-1]
    assert (refused.status, delivered.status) == (429, 200)
    assert delivered.at - refused.at >= 1.0
    assert len(tg.sent_to(3002)) == 2


async def test_a_long_message_arrives_in_two_parts(tg: Harness) -> None:
    paragraphs = "\n\n".join(f"{n} " + "word " * 199 for n in range(6))
    receipt = await tg.adapter.send(
        OutgoingMessage(Platform.TELEGRAM, paragraphs[:6000], chat_id=str(NEWS_GROUP))
    )
    assert receipt.ok
    parts = tg.sent_to(NEWS_GROUP)
    assert len(parts) == 2
    assert all(len(p["text"]) <= 4096 for p in parts)
    assert receipt.message_id == str(
        next(c.result["message_id"] for c in reversed(tg.fake.calls) if c.method == "sendMessage")
    )


async def test_member_text_arrives_escaped_and_inert(tg: Harness) -> None:
    sender = user(4001, "<b>Eve</b> @everyone")
    tg.fake.push_message("/start", chat_id=4001, sender=sender)
    tg.fake.push_message("/language <b>@everyone</b>", chat_id=4001, sender=sender)
    greeting, refusal = await tg.reply_to(4001, 2)
    assert "&lt;b&gt;Eve&lt;/b&gt; @everyone" in greeting["text"]
    assert "&lt;b&gt;@everyone&lt;/b&gt;" in refusal["text"]
    assert "<b>Eve" not in greeting["text"] and "<b>@everyone" not in refusal["text"]
    assert json.dumps(greeting).count("entities") == 0


async def test_an_update_delivered_twice_is_answered_once(tg: Harness) -> None:
    resent = {
        "update_id": 900001,
        "message": {
            "message_id": 2,
            "date": 1795000000,
            "chat": {"id": 6001, "type": "private"},
            "from": user(6001),
            "text": "/help",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }
    tg.fake.push(resent)
    tg.fake.push(resent)
    tg.fake.push_message("/start", chat_id=6001, sender=user(6001))
    help_reply, start_reply = await tg.reply_to(6001, 2)
    assert "Here is what I can do" in help_reply["text"]
    assert start_reply["text"].startswith("Hi "), "the resent /help got no second answer"


async def test_a_chart_goes_as_a_photo_with_the_text_as_its_caption(tg: Harness) -> None:
    chart = Attachment("chart.png", PNG, "image/png")
    receipt = await tg.adapter.send(
        OutgoingMessage(
            Platform.TELEGRAM,
            "**This week**: 42 answers",
            chat_id=str(FILES_GROUP),
            attachments=(chart,),
            buttons=(RenderedButton("More", "stats:week"),),
        )
    )
    (photo,) = tg.fake.called("sendPhoto")
    assert receipt.ok and receipt.message_id
    assert photo["chat_id"] == FILES_GROUP
    assert (photo["photo"]["filename"], photo["photo"]["bytes"]) == ("chart.png", PNG)
    assert (photo["caption"], photo["parse_mode"]) == ("<b>This week</b>: 42 answers", "HTML")
    assert photo["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "stats:week"
    assert tg.sent_to(FILES_GROUP) == []


async def test_text_too_long_for_a_caption_goes_first_then_the_file(tg: Harness) -> None:
    report = Attachment("answers.csv", b"question,answer\n", "text/csv")
    text = "word " * 300
    receipt = await tg.adapter.send(
        OutgoingMessage(Platform.TELEGRAM, text, chat_id=str(FILES_GROUP), attachments=(report,))
    )
    (document,) = tg.fake.called("sendDocument")
    assert receipt.ok
    assert [m["text"] for m in tg.sent_to(FILES_GROUP)] == [text.strip()]
    assert document["document"]["filename"] == "answers.csv"
    assert "caption" not in document
    methods = [c.method for c in tg.fake.calls if c.params.get("chat_id") == FILES_GROUP]
    assert methods[-2:] == ["sendMessage", "sendDocument"]


async def test_a_group_upgraded_to_a_supergroup_is_written_to_at_its_new_id(tg: Harness) -> None:
    tg.fake.migrated[OLD_GROUP] = NEW_GROUP
    first = await tg.adapter.send(
        OutgoingMessage(Platform.TELEGRAM, "first", chat_id=str(OLD_GROUP))
    )
    second = await tg.adapter.send(
        OutgoingMessage(Platform.TELEGRAM, "second", chat_id=str(OLD_GROUP))
    )
    assert first.ok and second.ok
    tried = [
        (c.params["chat_id"], c.params["text"], c.status)
        for c in tg.fake.calls
        if c.method == "sendMessage" and c.params["chat_id"] in (OLD_GROUP, NEW_GROUP)
    ]
    assert tried == [
        (OLD_GROUP, "first", 400),
        (NEW_GROUP, "first", 200),
        (NEW_GROUP, "second", 200),
    ]


async def test_an_upgrade_seen_in_the_group_moves_sends_before_any_is_refused(
    tg: Harness,
) -> None:
    old, new = OLD_GROUP - 1, NEW_GROUP - 1
    tg.fake.migrated[old] = new
    tg.fake.push(
        {
            "message": {
                "message_id": 4,
                "date": 1795000000,
                "chat": {"id": old, "type": "group", "title": "help"},
                "from": user(1006),
                "migrate_to_chat_id": new,
            }
        }
    )
    # Updates are handled in order: once this is answered, the upgrade has been seen.
    tg.fake.push_message("/help", chat_id=1006, sender=user(1006))
    await tg.reply_to(1006)
    receipt = await tg.adapter.send(OutgoingMessage(Platform.TELEGRAM, "hi", chat_id=str(old)))
    assert receipt.ok
    assert [c.params["chat_id"] for c in tg.fake.calls if c.params.get("text") == "hi"] == [new]


async def _handled(tg: Harness, update: dict[str, Any]) -> None:
    message_id = str(update["message"]["message_id"])
    await tg.until(lambda: any(e.message_id == message_id for e, _ in tg.handled))


@pytest_asyncio.fixture(loop_scope="module")
async def outbox(tg: Harness) -> AsyncIterator[None]:
    """The dispatcher at work, as in production: relays wait out the group's rate window."""
    runner = asyncio.create_task(tg.app.dispatcher.run(idle_interval=0.1))
    yield
    runner.cancel()
    await asyncio.gather(runner, return_exceptions=True)


def _in_topic(tg: Harness, thread: int) -> list[dict[str, Any]]:
    return [m for m in tg.sent_to(STAFF_GROUP) if m.get("message_thread_id") == thread]


@pytest.mark.usefixtures("outbox")
async def test_ticket_relays_between_the_dm_and_its_forum_topic(tg: Harness) -> None:
    tg.fake.forums.add(STAFF_GROUP)
    member = 4101
    opened = tg.fake.push_message(
        "/ticket Payment failed | My card was charged twice", chat_id=member, sender=user(member)
    )
    confirmation = await tg.reply_to(member)
    assert "T-" in confirmation[0]["text"]
    await _handled(tg, opened)
    (topic,) = [c.result for c in tg.fake.calls if c.method == "createForumTopic"]
    thread = topic["message_thread_id"]
    (announcement,) = await tg.until(lambda: _in_topic(tg, thread))
    assert "charged twice" in announcement["text"]

    answer = tg.fake.push_message(
        "The refund is on its way",
        chat_id=STAFF_GROUP,
        sender=user(2001, "Sam"),
        message_thread_id=thread,
        is_topic_message=True,
    )
    await _handled(tg, answer)
    relayed = (await tg.reply_to(member, 2))[-1]
    assert "Support team" in relayed["text"] and "Sam" not in relayed["text"]
    assert "The refund is on its way" in relayed["text"]

    thanks = tg.fake.push_message("Got it, thanks", chat_id=member, sender=user(member))
    await _handled(tg, thanks)
    back = await tg.until(lambda: len(_in_topic(tg, thread)) == 2 and _in_topic(tg, thread))
    assert "Got it, thanks" in back[-1]["text"]
    assert len(tg.sent_to(member)) == 2, "a member's message during a ticket is not an FAQ question"

    tg.fake.push_message("/ticket transcript", chat_id=member, sender=user(member))
    (document,) = await tg.until(
        lambda: [d for d in tg.fake.called("sendDocument") if d["chat_id"] == member]
    )
    assert document["document"]["filename"] == "T-1.md"
    transcript = document["document"]["bytes"].decode()
    assert "The refund is on its way" in transcript and "Got it, thanks" in transcript


@pytest.mark.usefixtures("outbox")
async def test_without_topics_staff_answer_by_replying_to_the_relayed_message(
    tg: Harness,
) -> None:
    tg.fake.forums.discard(STAFF_GROUP)
    member = 4102
    before = len(tg.sent_to(STAFF_GROUP))
    opened = tg.fake.push_message(
        "/ticket The CSV export is empty | It has headers only", chat_id=member, sender=user(member)
    )
    await tg.reply_to(member)
    await _handled(tg, opened)
    (announcement,) = await tg.until(lambda: tg.sent_to(STAFF_GROUP)[before:])
    assert "message_thread_id" not in announcement
    posted = next(
        c.result for c in tg.fake.calls if c.method == "sendMessage" and c.params is announcement
    )
    found = re.search(r"T-\d+", announcement["text"])
    assert found is not None
    ref = found.group()
    answer = tg.fake.push_message(
        "Fixed, please try again",
        chat_id=STAFF_GROUP,
        sender=user(2002, "Kim"),
        reply_to_message=posted,
    )
    await _handled(tg, answer)
    relayed = (await tg.reply_to(member, 2))[-1]
    assert ref in relayed["text"] and "Fixed, please try again" in relayed["text"]


@pytest.mark.usefixtures("outbox")
async def test_a_ticket_panel_button_asks_the_member_in_their_dm(tg: Harness) -> None:
    tg.fake.push_message("/ticket panel", chat_id=MOD_GROUP, sender=user(2001))
    (panel,) = await tg.until(
        lambda: [
            c
            for c in tg.fake.calls
            if c.method == "sendMessage"
            and c.params["chat_id"] == MOD_GROUP
            and c.params["text"].startswith("Need a hand")
        ]
    )
    (button,) = panel.params["reply_markup"]["inline_keyboard"][0]
    assert button == {"text": "🎫 Open a ticket", "callback_data": "cmd:ticket open"}
    answered_before = len(tg.fake.called("answerCallbackQuery"))
    member = 4201
    tg.fake.push_callback(button["callback_data"], sender=user(member), message=panel.result)
    asked = await tg.until(
        lambda: [m for m in tg.sent_to(member) if "open a ticket" in m["text"].lower()]
    )
    assert "In a few words, what is it about?" in asked[0]["text"]
    assert len(tg.fake.called("answerCallbackQuery")) == answered_before + 1


def _buttons_to(tg: Harness, chat_id: int) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Each inline button sent to the chat, with the message it was under."""
    return [
        (button, call.result)
        for call in tg.fake.calls
        if call.method == "sendMessage" and call.params["chat_id"] == chat_id
        for row in call.params.get("reply_markup", {}).get("inline_keyboard", [])
        for button in row
    ]


async def _press(tg: Harness, chat_id: int, label: str, replies: int) -> dict[str, Any]:
    """Press the latest button with ``label`` in the chat; the member's next reply."""
    button, message = [b for b in _buttons_to(tg, chat_id) if label in b[0]["text"]][-1]
    tg.fake.push_callback(button["callback_data"], sender=user(chat_id), message=message)
    return (await tg.reply_to(chat_id, replies))[-1]


@pytest.mark.usefixtures("outbox")
async def test_a_declined_question_becomes_a_resolved_rated_ticket_in_the_dm(
    tg: Harness,
) -> None:
    tg.fake.forums.add(STAFF_GROUP)
    member = 4301
    tg.fake.push_message(
        "what is the airspeed velocity of an unladen swallow", chat_id=member, sender=user(member)
    )
    declined = (await tg.reply_to(member))[0]
    assert "Ask a human" in json.dumps(declined, ensure_ascii=False)
    opened = await _press(tg, member, "Ask a human", 2)
    found = re.search(r"T-\d+", opened["text"])
    assert found is not None
    ref = found.group()
    (topic,) = [
        c.result
        for c in tg.fake.calls
        if c.method == "createForumTopic" and c.params["name"].startswith(f"{ref} ")
    ]
    thread = topic["message_thread_id"]
    (announcement,) = await tg.until(lambda: _in_topic(tg, thread))
    assert "airspeed velocity" in announcement["text"]

    for text in ("They fly at about 11 m/s", "/ticket resolve"):
        tg.fake.push_message(
            text,
            chat_id=STAFF_GROUP,
            sender=user(2001, "Sam"),
            message_thread_id=thread,
            is_topic_message=True,
        )
    rating = (await tg.reply_to(member, 4))[-1]
    assert "How did we do" in rating["text"]
    assert "11 m/s" in tg.sent_to(member)[2]["text"]
    thanked = await _press(tg, member, "4", 5)
    assert f"Thanks for rating {ref} 4/5" in thanked["text"]
    again = await _press(tg, member, "4", 6)
    assert f"You already rated {ref} 4/5" in again["text"]
