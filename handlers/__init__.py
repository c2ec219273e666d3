"""Channel-neutral conversation logic: an incoming message in, a reply (text + options) out."""

from handlers.router import Router

__all__ = ["Router"]
