"""The SQLite storage fits the Protocols the handlers are typed against, method by method."""

from __future__ import annotations

import inspect

from bot.storage import Storage
from handlers.ports import Store


def protocol_methods(proto: type) -> dict[str, object]:
    methods: dict[str, object] = {}
    for cls in reversed(proto.__mro__):
        if getattr(cls, "_is_protocol", False) and cls.__module__ == "handlers.ports":
            methods |= {name: fn for name, fn in vars(cls).items() if inspect.isfunction(fn) and not name.startswith("_")}
    return methods


def test_storage_has_every_port_method_with_the_same_parameters():
    methods = protocol_methods(Store)
    assert {"arrive", "log_question", "add_feedback", "kb_latest", "stats", "open"} <= set(methods)
    for name, fn in methods.items():
        impl = getattr(Storage, name, None)
        assert impl is not None, name
        assert inspect.iscoroutinefunction(impl) == inspect.iscoroutinefunction(fn), name
        expected = [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]
        actual = [(p.name, p.kind, p.default) for p in inspect.signature(impl).parameters.values()]
        assert actual[:len(expected)] == expected, name
        assert all(p.default is not inspect.Parameter.empty or p.kind is p.VAR_KEYWORD
                   for p in list(inspect.signature(impl).parameters.values())[len(expected):]), name
