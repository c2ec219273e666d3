"""The engine behind every guided administrator operation.

Each operation declares its state (a dataclass: what it collects) and its steps once: per step,
the prompt it shows, whether it takes typed text, which options it accepts, and the step that
follows. The state is saved as the conversation state (``{"flow": "admin", "op": ..., "step": ...,
...its fields}``), so a flow survives a restart and works the same on every channel. Anything a
step does not accept gets its prompt again, with a hint when text was typed where a button was
expected.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from handlers.admin.codes import Code
from handlers.admin.common import stale, with_error
from handlers.context import Ctx
from handlers.messages import Reply
from handlers.texts import t
from knowledge.overlay import Problem

FLOW = "admin"


@dataclass
class State:
    """What every operation's state has; each operation's dataclass adds what it collects."""

    op: str
    step: str

    def to_dict(self) -> dict:
        return {"flow": FLOW, **asdict(self)}

    @classmethod
    def from_dict(cls, raw: dict) -> State:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in names})


Prompt = Callable[[Ctx, Any], Reply]
Input = Callable[[Ctx, Any, str], Awaitable[Reply]]  # (ctx, state, typed text or the option's argument)
Hook = Callable[[Ctx, Any], Awaitable[None]]


@dataclass(frozen=True)
class Step:
    prompt: Prompt
    text: Input | None = None  # None: the step waits for a button
    options: Mapping[Code, Input] = field(default_factory=dict)
    next: str = "preview"
    enter: Hook | None = None  # runs on arriving at the step, before its state is saved


@dataclass(frozen=True)
class Flow:
    state: type[State]
    steps: dict[str, Step]


# operation ("add", "edit", "broadcast", ...) -> its flow; each area declares its own
FLOWS: dict[str, Flow] = {}


def declare(op: str, state: type[State], steps: dict[str, Step]) -> None:
    FLOWS[op] = Flow(state, steps)


def step_of(state: State) -> Step | None:
    flow = FLOWS.get(state.op)
    return flow.steps.get(state.step) if flow else None


def load(raw: dict) -> State | None:
    """The saved conversation state as its operation's dataclass; None for one this version
    cannot read (an unknown operation or step, a field missing)."""
    flow = FLOWS.get(raw.get("op", ""))
    if flow is None or raw.get("step") not in flow.steps:
        return None
    try:
        return flow.state.from_dict(raw)
    except TypeError:
        return None


async def save(ctx: Ctx, state: State) -> None:
    await ctx.set_state(state.to_dict())


async def start(ctx: Ctx, state: State) -> Reply:
    await save(ctx, state)
    return prompt(ctx, state)


def prompt(ctx: Ctx, state: State) -> Reply:
    step = step_of(state)
    return step.prompt(ctx, state) if step else stale(ctx)


def retry(ctx: Ctx, state: State, problems: list[Problem]) -> Reply:
    """The step's prompt again, the problems with what was typed on top (nothing is saved)."""
    return with_error(prompt(ctx, state), problems, ctx.lang)


async def advance(ctx: Ctx, state: State) -> Reply:
    step = step_of(state)
    state.step = step.next if step else "preview"
    entered = step_of(state)
    if entered and entered.enter:
        await entered.enter(ctx, state)
    await save(ctx, state)
    return prompt(ctx, state)


async def on_text(ctx: Ctx, raw: dict, text: str) -> Reply:
    state = load(raw)
    step = step_of(state) if state else None
    if state is None or step is None:  # a state this version does not know: end it
        await ctx.set_state(None)
        return stale(ctx)
    if step.text is None:
        reply = step.prompt(ctx, state)
        reply.text = t("adm_pick", ctx.lang) + "\n\n" + reply.text
        return reply
    return await step.text(ctx, state, text)


async def on_option(ctx: Ctx, raw: dict, code: Code, arg: str) -> Reply:
    state = load(raw)
    if state is None:
        await ctx.set_state(None)
        return stale(ctx)
    step = step_of(state)
    handler = step.options.get(code) if step else None
    if handler is None:
        return prompt(ctx, state)
    return await handler(ctx, state, arg)
