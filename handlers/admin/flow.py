"""The engine behind every guided administrator operation.

Each operation declares its steps once: per step, the prompt it shows, whether it takes typed text,
which options it accepts, and the step that follows. The state in progress is saved in the
conversation state (``{"flow": "admin", "op": ..., "step": ..., ...}`` plus what the operation
collects), so a flow survives a restart and works the same on every channel. Anything a step does
not accept gets its prompt again, with a hint when text was typed where a button was expected.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from handlers.admin.codes import Code
from handlers.admin.common import stale, with_error
from handlers.context import Ctx
from handlers.messages import Reply
from handlers.texts import t
from knowledge.overlay import Problem

FLOW = "admin"

Prompt = Callable[[Ctx, dict], Reply]
Input = Callable[[Ctx, dict, str], Awaitable[Reply]]  # (ctx, state, typed text or the option's argument)
Hook = Callable[[Ctx, dict], Awaitable[None]]


@dataclass(frozen=True)
class Step:
    prompt: Prompt
    text: Input | None = None  # None: the step waits for a button
    options: Mapping[Code, Input] = field(default_factory=dict)
    next: str = "preview"
    enter: Hook | None = None  # runs on arriving at the step, before its state is saved


# operation ("add", "edit", "broadcast", ...) -> step name -> step; each area declares its own
FLOWS: dict[str, dict[str, Step]] = {}


def declare(op: str, steps: dict[str, Step]) -> None:
    FLOWS[op] = steps


def step_of(state: dict) -> Step | None:
    return FLOWS.get(state.get("op", ""), {}).get(state.get("step", ""))


async def start(ctx: Ctx, state: dict) -> Reply:
    state["flow"] = FLOW
    await ctx.set_state(state)
    return prompt(ctx, state)


def prompt(ctx: Ctx, state: dict) -> Reply:
    step = step_of(state)
    return step.prompt(ctx, state) if step else stale(ctx)


def retry(ctx: Ctx, state: dict, problems: list[Problem]) -> Reply:
    """The step's prompt again, the problems with what was typed on top (nothing is saved)."""
    return with_error(prompt(ctx, state), problems, ctx.lang)


async def advance(ctx: Ctx, state: dict) -> Reply:
    step = step_of(state)
    state["step"] = step.next if step else "preview"
    entered = step_of(state)
    if entered and entered.enter:
        await entered.enter(ctx, state)
    await ctx.set_state(state)
    return prompt(ctx, state)


async def on_text(ctx: Ctx, state: dict, text: str) -> Reply:
    step = step_of(state)
    if step is None:  # a state this version does not know: end it
        await ctx.set_state(None)
        return stale(ctx)
    if step.text is None:
        reply = step.prompt(ctx, state)
        reply.text = t("adm_pick", ctx.lang) + "\n\n" + reply.text
        return reply
    return await step.text(ctx, state, text)


async def on_option(ctx: Ctx, state: dict, code: Code, arg: str) -> Reply:
    step = step_of(state)
    handler = step.options.get(code) if step else None
    if handler is None:
        return prompt(ctx, state)
    return await handler(ctx, state, arg)
