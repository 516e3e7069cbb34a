"""The one place the win-back message's words are chosen for each member.

An experiment on the win-back message picks each member's variant here, and a member it
holds out is sent nothing but recorded as if sent (``Words.held_out``), which gives
``/winback stats`` its lift over the holdout. With no experiment running everyone gets the
message as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from core.context import Services
from core.events import Reply
from core.features.experiments.service import Choice, ExperimentsService


@dataclass(frozen=True)
class Words:
    variant: str | None = None
    """The experiment's variant; None: the message as written."""
    held_out: bool = False
    choice: Choice | None = None
    """The experiment's decision, which says the message in the variant's words."""

    def apply(self, reply: Reply) -> Reply:
        return reply if self.choice is None else self.choice.apply(reply)


AS_WRITTEN = Words()


async def choose(
    services: Services, session: AsyncSession, member_ids: Sequence[int]
) -> dict[int, Words]:
    """Each member's words; members absent get the message as written."""
    chosen = await services.get(ExperimentsService).choose(session, member_ids, "winback")
    return {
        member_id: Words(None if c.held_out else c.variant, c.held_out, c)
        for member_id, c in chosen.items()
    }


async def delivering(
    services: Services, session: AsyncSession, member_id: int, words: Words, key: str
) -> None:
    """The member's words are queued under ``key``: an experiment counts an exposure once the
    outbox has really sent it."""
    if words.choice is not None:
        await services.get(ExperimentsService).delivering(session, member_id, words.choice, key)
