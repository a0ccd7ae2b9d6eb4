"""The two HTTP routes behind staff sessions (mounted by server.py beside the Streamlit app): the
browser trades the sign-in page's one-time handoff code for the session cookie, and sign-out revokes the
session and clears the cookie. Both take a same-origin JSON POST only, so another site cannot make a
browser sign in or out (a cross-site JSON POST needs a CORS preflight we never answer)."""

import json
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.online import access
from core.online.limits import BodyLimit, json_depth
from core.platform.config import settings
from core.platform.db import UnitOfWork
from core.staff import staff_sessions

SESSION_PATH = "/api/staff/session"
SIGN_OUT_PATH = "/api/staff/session/end"


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.headers.get("host"):
        return False
    return request.headers.get("content-type", "").split(";")[0].strip() == "application/json"


def _client_key(request: Request) -> str:
    """A keyed hash of the client address (behind a trusted proxy, the address it appended)."""
    address = access.client_address(request.headers, request.client.host if request.client else None)
    return access.client(address, "staff-route").client_key


async def open_session(request: Request) -> Response:
    """Sets the session cookie for a valid handoff code (once); 403 for anything else, saying nothing more."""
    if not _same_origin(request):
        return JSONResponse({"status": "refused"}, status_code=403)
    body = await request.body()
    try:
        code = json.loads(body).get("code") if json_depth(body) <= settings.http_max_json_depth else None
    except (ValueError, AttributeError):
        code = None
    token = await run_in_threadpool(staff_sessions.redeem_handoff, uow=UnitOfWork(), code=str(code or ""),
                                    user_agent=request.headers.get("user-agent", ""),
                                    client_key=_client_key(request)) if code else None
    if token is None:
        return JSONResponse({"status": "refused"}, status_code=403)
    response = JSONResponse({"status": "signed_in"})
    response.set_cookie(staff_sessions.COOKIE, staff_sessions.cookie_value(token),
                        max_age=settings.session_absolute_hours * 3600, path="/", httponly=True,
                        samesite="strict", secure=settings.secure_cookies)
    return response


async def end_session(request: Request) -> Response:
    """Revokes this browser's session (if any) and clears its cookie."""
    if not _same_origin(request):
        return JSONResponse({"status": "refused"}, status_code=403)
    token = staff_sessions.token_from_cookie(request.cookies.get(staff_sessions.COOKIE))
    if token:
        await run_in_threadpool(staff_sessions.end_session, uow=UnitOfWork(), token=token)
    response = JSONResponse({"status": "signed_out"})
    response.delete_cookie(staff_sessions.COOKIE, path="/", httponly=True, samesite="strict",
                           secure=settings.secure_cookies)
    return response


_LIMITS = [Middleware(BodyLimit, max_bytes=settings.http_max_body_bytes)]  # the same limits as every route
SESSION_ROUTES = [Route(SESSION_PATH, open_session, methods=["POST"], middleware=_LIMITS),
                  Route(SIGN_OUT_PATH, end_session, methods=["POST"], middleware=_LIMITS)]
