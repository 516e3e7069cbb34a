"""``/experiment list``, ``report`` and ``stop`` for moderators, and the sweeps that turn
delivered messages into exposures and later activity into conversions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.context import Context, Services
from core.events import Reply, Role, Visibility
from core.features.experiments.report import Report
from core.features.experiments.service import ExperimentsService
from core.registry import ArgSpec, ArgType, Registry

registry = Registry("experiments")

NAME = ArgSpec(
    "name", ArgType.WORD, autocomplete="experiment_names", description="an experiment's name"
)
WINNER = ArgSpec(
    "winner", ArgType.WORD, required=False, description="the variant everyone gets from now on"
)


def experiment_names(services: Services, typed: str, locale: str) -> list[str]:
    experiments = services.get(ExperimentsService).settings.experiments
    return [e.name for e in experiments if e.name.startswith(typed.strip().lower())]


def view(report: Report) -> dict[str, Any]:
    """A report as its templates read it: rates and lifts in percent."""
    experiment = report.experiment
    leader = report.leader
    return {
        "name": experiment.name,
        "message": experiment.message,
        "conversion": experiment.conversion,
        "convert_days": experiment.convert_days,
        "effect": experiment.min_detectable_effect * 100,
        "holdout": experiment.holdout * 100,
        "shares": {v: share * 100 for v, share in experiment.shares.items()},
        "arms": [
            {
                "variant": arm.variant,
                "exposures": arm.exposures,
                "conversions": arm.conversions,
                "rate": arm.rate * 100,
                "low": arm.interval[0] * 100,
                "high": arm.interval[1] * 100,
                "lift": None if (lift := report.lift(arm)) is None else lift * 100,
            }
            for arm in report.arms
        ],
        "exposures": sum(arm.exposures for arm in report.arms),
        "p_value": report.p_value,
        "needed": report.needed,
        "verdict": report.verdict.value,
        "leader": leader.variant if leader else None,
        "stopped": report.stopped_at is not None,
        "winner": report.winner,
    }


@registry.command("experiment list", min_role=Role.MODERATOR)
async def experiment_list(ctx: Context) -> Reply:
    """The A/B experiments: the message each varies, its arms, and how far it has got."""
    service = ctx.services.get(ExperimentsService)
    found = [await service.report(ctx.session, e.name) for e in service.settings.experiments]
    return Reply(
        "experiments/list",
        {"experiments": [view(r) for r in found if r is not None]},
        visibility=Visibility.PRIVATE,
    )


@registry.command("experiment report", NAME, min_role=Role.MODERATOR)
async def experiment_report(ctx: Context, name: str) -> Reply:
    """An experiment's results per variant, its chi-square test and lift over the holdout."""
    found = await ctx.services.get(ExperimentsService).report(ctx.session, name.lower())
    if found is None:
        return _unknown(ctx, name)
    return Reply("experiments/report", view(found), visibility=Visibility.PRIVATE)


@registry.command("experiment stop", NAME, WINNER, min_role=Role.MODERATOR)
async def experiment_stop(ctx: Context, name: str, winner: str = "") -> Reply:
    """Stop an experiment; the winner, if you name one, becomes the message everyone gets."""
    service = ctx.services.get(ExperimentsService)
    experiment = service.settings.named(name.lower())
    if experiment is None:
        return _unknown(ctx, name)
    chosen = winner.lower() or None
    if chosen is not None and chosen not in experiment.variants:
        return Reply(
            "experiments/no_such_variant",
            {"name": experiment.name, "winner": winner, "variants": experiment.variants},
            visibility=Visibility.PRIVATE,
        )
    await service.stop(ctx.session, experiment.name, chosen, ctx.member.id)
    return Reply(
        "experiments/stopped",
        {"name": experiment.name, "winner": chosen, "message": experiment.message},
        visibility=Visibility.PRIVATE,
    )


def _unknown(ctx: Context, name: str) -> Reply:
    experiments = ctx.services.get(ExperimentsService).settings.experiments
    return Reply(
        "experiments/unknown",
        {"name": name, "names": [e.name for e in experiments]},
        visibility=Visibility.PRIVATE,
    )


@registry.sweep("experiments.exposures", every=timedelta(minutes=1))
async def expose(services: Services, session: AsyncSession) -> int:
    return await services.get(ExperimentsService).expose(session)


@registry.sweep("experiments.conversions", every=timedelta(minutes=10))
async def convert(services: Services, session: AsyncSession) -> int:
    await services.activity.flush()
    return await services.get(ExperimentsService).convert(session)
