"""Filing a member's feedback, whichever way it was written: one command, a Discord form, or
the guided exchange. Similar open items are offered first, to back instead."""

from __future__ import annotations

from core.context import Context
from core.events import Button, Reply, Visibility
from core.features.feedback.service import FeedbackService
from core.i18n import N_

BUTTON_TITLE = 60
TITLE_LIMIT = 200
DESCRIPTION_LIMIT = 1500
"""Room for the item's other lines within Discord's 2,000 characters when it is shown."""


async def submit(ctx: Context, category: str, title: str, description: str) -> Reply:
    title, description = title.strip(), description.strip()
    if len(title) > TITLE_LIMIT or len(description) > DESCRIPTION_LIMIT:
        return Reply(
            "feedback/too_long",
            {"title_limit": TITLE_LIMIT, "description_limit": DESCRIPTION_LIMIT},
            visibility=Visibility.PRIVATE,
        )
    feedback = ctx.services.get(FeedbackService)
    submission = await feedback.submit(
        ctx.session, ctx.member.id, category, title, description, ctx.now
    )
    if submission.item is not None:
        return Reply("feedback/submitted", {"item": submission.item})
    draft = submission.draft_id
    buttons = [
        Button(
            "fb.instead", f"{draft}:{item.id}", label=f"👍 #{item.id} {item.title}"[:BUTTON_TITLE]
        )
        for item in submission.similar
    ]
    buttons.append(Button("fb.submit", str(draft), label_key=N_("📨 Submit anyway")))
    return Reply(
        "feedback/similar",
        {"similar": submission.similar},
        buttons=tuple(buttons),
        visibility=Visibility.PRIVATE,
    )
