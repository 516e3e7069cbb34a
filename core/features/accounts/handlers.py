"""Chat surface of accounts: /link, /unlink and /settings with its buttons."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core import zones
from core.context import Context, Services
from core.events import Button, Platform, Reply, Visibility
from core.features.accounts import service as accounts
from core.features.accounts.service import Outcome
from core.features.reputation.recent import Recent
from core.i18n import N_
from core.members.models import Member
from core.registry import ArgSpec, ArgType, Registry

registry = Registry("accounts")

LINKABLE = (Platform.DISCORD.value, Platform.TELEGRAM.value)
OPT_OUT = {"off": True, "on": False}


def _private(template: str, buttons: tuple[Button, ...] = (), **context: object) -> Reply:
    return Reply(f"accounts/{template}", context, buttons=buttons, visibility=Visibility.PRIVATE)


@registry.command("link", ArgSpec("code", ArgType.TEXT, required=False))
async def link(ctx: Context, code: str = "") -> Reply:
    """Link your Discord and Telegram accounts into one."""
    here = ctx.actor.platform
    identity = await accounts.identity_of(ctx.session, here, ctx.actor.platform_user_id)
    if not code:
        issued = await accounts.issue_code(ctx.session, identity, ctx.now)
        return _private(
            "code",
            code=accounts.shown(issued),
            minutes=int(accounts.CODE_TTL.total_seconds() // 60),
            platforms=[p for p in LINKABLE if p != here.value],
        )
    result = await accounts.redeem(ctx.session, identity, code, ctx.now)
    there = result.other.platform if result.other else ""
    if (
        result.outcome is not Outcome.LINKED
        or result.member_id is None
        or result.merged_id is None
        or result.other is None
    ):
        return _private(
            "link_refused", outcome=result.outcome.value, wait=result.wait_minutes, other=there
        )
    ctx.services.activity.reassign(result.merged_id, result.member_id)
    kept, merged = result.member_id, result.merged_id

    async def reread_reputation() -> None:
        ctx.services.get(Recent).forget(kept, merged)

    ctx.after_commit(reread_reputation)
    ctx.member = await ctx.session.get_one(Member, result.member_id)
    notice = Reply("accounts/linked_elsewhere", {"platform": there, "other": here.value})
    await ctx.services.notifier.to_identity(
        ctx.session, result.other.id, notice, f"link:{result.code_id}"
    )
    return _private("linked", platforms=[there, here.value])


@registry.command("unlink", ArgSpec("platform", ArgType.CHOICE, choices=LINKABLE))
async def unlink(ctx: Context, platform: str) -> Reply:
    """Separate your account on one platform from the others again."""
    result = await accounts.unlink(ctx.session, ctx.member.id, platform, ctx.now)
    return _private("unlinked", outcome=result.outcome.value, platform=platform)


DM_ON = {
    Platform.DISCORD: N_("DMs on Discord"),
    Platform.TELEGRAM: N_("DMs on Telegram"),
    Platform.CONSOLE: N_("DMs on the console"),
}


async def _settings(ctx: Context, problem: str = "", **extra: object) -> Reply:
    current = await accounts.dm_settings(ctx.session, ctx.member.id)
    buttons = [
        Button("accounts.dm", platform, label_key=DM_ON[Platform(platform)])
        for platform in current.choices
        if len(current.choices) > 1
    ]
    if current.opted_out:
        buttons.append(Button("accounts.dms", "on", label_key=N_("🔔 Allow all DMs")))
    else:
        buttons.append(Button("accounts.dms", "off", label_key=N_("🔕 Stop unasked DMs")))
    return _private(
        "settings",
        tuple(buttons),
        platform=current.platform or "",
        opted_out=current.opted_out,
        problem=problem,
        timezone=ctx.member.timezone or "",
        **extra,
    )


@registry.command(
    "settings",
    ArgSpec("setting", ArgType.CHOICE, required=False, choices=("timezone",)),
    ArgSpec("value", ArgType.TEXT, required=False, description="Europe/Berlin, Tokyo..."),
)
async def settings(ctx: Context, setting: str = "", value: str = "") -> Reply:
    """Choose where I send you direct messages, your time zone, or stop unasked DMs."""
    if setting != "timezone":
        return await _settings(ctx)
    found = zones.lookup(value) if value else zones.ZoneLookup(None)
    if found.zone is None:
        return _private("timezone_unknown", value=value, suggestions=found.suggestions)
    ctx.member.timezone = found.zone
    return await _settings(ctx, "timezone_set")


@registry.action("accounts.dm")
async def choose_dm_platform(ctx: Context, arg: str) -> Reply:
    chosen = await accounts.choose_dm_platform(ctx.session, ctx.member.id, arg)
    return await _settings(ctx, "" if chosen else "not_reachable")


@registry.action("accounts.dms")
async def switch_dms(ctx: Context, arg: str) -> Reply:
    """Each button says which state it sets, so pressing an old one again changes nothing."""
    if arg in OPT_OUT:
        await accounts.set_dm_opt_out(ctx.session, ctx.member.id, OPT_OUT[arg])
    return await _settings(ctx)


@registry.sweep("accounts.prune", every=timedelta(hours=1))
async def prune(services: Services, session: AsyncSession) -> int:
    """Nothing is sent: spent codes and old wrong guesses are just cleared away."""
    await accounts.prune(session, services.clock.now())
    return 0
