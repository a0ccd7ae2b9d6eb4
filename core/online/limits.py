"""What a request to our HTTP routes may cost before anything trusts it: a body-size limit enforced
while the body arrives (a declared Content-Length over it is answered 413 before a byte is read, a
chunked body is cut off at it), and a JSON nesting limit checked before the parser recurses."""

import re

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')  # a JSON string, escapes included
_BRACKET = re.compile(rb"[\[\]{}]")


class _TooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware for one route: at most `max_bytes` of request body reach the endpoint."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await _too_large(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise _TooLarge()
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:  # raised while the endpoint read the body, so nothing was answered yet
            await _too_large(scope, receive, send)


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    await JSONResponse({"status": "too_large"}, status_code=413, headers={"Connection": "close"})(scope, receive,
                                                                                                   send)


def json_depth(body: bytes) -> int:
    """How deep arrays and objects nest in a JSON text, counted without parsing it (brackets inside
    strings do not count); never less than the parser would find."""
    depth = deepest = 0
    for bracket in _BRACKET.findall(_STRING.sub(b"", body)):
        depth += 1 if bracket in (b"[", b"{") else -1
        deepest = max(deepest, depth)
    return deepest
