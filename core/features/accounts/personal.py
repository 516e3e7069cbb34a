"""Link codes and wrong guesses belong to a member's accounts: forgotten with them."""

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.features.accounts.models import LinkCode, LinkFailure
from core.members.models import Identity
from core.privacy import Forgetting, PersonalData


async def forget(session: AsyncSession, forgetting: Forgetting) -> None:
    accounts = select(Identity.id).where(Identity.member_id == forgetting.member_id)
    for model in (LinkCode, LinkFailure):
        await session.execute(delete(model).where(model.identity_id.in_(accounts)))


PART = PersonalData((LinkCode.__tablename__, LinkFailure.__tablename__), forget=forget)
