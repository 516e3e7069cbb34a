"""A ticket panel in a help channel: members press its button instead of learning /ticket."""

from __future__ import annotations

from tests.scenario.conftest import RunScript
from tests.scenario.test_tickets import DESK, said_to


async def test_a_member_opens_a_ticket_from_the_panel_a_moderator_posted(
    run_script: RunScript,
) -> None:
    messages = await run_script(
        """
        @as mod:ana
        @place #help
        /ticket panel Stuck? Our team answers within a day.
        @as bob
        @place #help
        @press open a ticket
        @place dm
        Cannot upload my avatar
        It hangs at 99%
        @as carol
        @place #help
        /ticket panel
        """,
        **DESK,
    )
    panel = messages[0]
    assert panel["text"] == "Stuck? Our team answers within a day."
    assert panel["buttons"] == ["🎫 Open a ticket"] and panel["visibility"] == "public"
    (opened,) = said_to(messages, "#support/T-1")
    assert "Cannot upload my avatar" in opened["text"] and "It hangs at 99%" in opened["text"]
    (refused,) = [m for m in messages if m["to"] == "carol"]
    assert "Only moderators can use /ticket panel" in refused["text"]


async def test_the_panel_speaks_the_moderators_language(run_script: RunScript) -> None:
    _, panel = await run_script(
        """
        @as mod:王
        @place #help
        /language zh-cn
        /ticket panel
        """
    )
    assert panel["text"].startswith("需要团队帮忙？")
    assert panel["buttons"] == ["🎫 创建工单"]
