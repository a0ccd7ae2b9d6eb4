"""HTTP routes served beside the Streamlit app (mounted by server.py): our endpoint for the card
processor's signed notification, and, only while the sandbox is the configured processor, its hosted
payment page."""

import asyncio
import logging
import urllib.request
from html import escape
from urllib.error import URLError

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.routing import Route

from core.accounts.money import format_lei
from core.online import payments
from core.online.limits import BodyLimit
from core.online.processor import (
    NOTIFY_PATH,
    SANDBOX_CHECKOUT_PATH,
    SIGNATURE_HEADER,
    Checkout,
    Result,
    SandboxProcessor,
)
from core.platform.config import settings
from core.platform.db import UnitOfWork
from core.platform.i18n import LANGUAGES, t

log = logging.getLogger("ghiseu.payments")
ACTIONS = {"confirm": Result.SUCCEEDED, "decline": Result.DECLINED, "cancel": Result.CANCELLED}


async def notify(request: Request) -> JSONResponse:
    """The processor tells us how a payment ended. 200 tells it to stop retrying (also for a replay);
    a refusal is logged by the service and answered 400, whatever the reason; 503 asks it to send the
    notification again (we could not record it now)."""
    body = await request.body()
    try:
        outcome = await run_in_threadpool(payments.handle_notification, body=body,
                                          uow=UnitOfWork(),
                                          signature=request.headers.get(SIGNATURE_HEADER))
    except payments.NotificationRefused:
        return JSONResponse({"status": "refused"}, status_code=400)
    except payments.NotificationNotRecorded:
        return JSONResponse({"status": "retry"}, status_code=503)
    return JSONResponse({"status": outcome.value})


# ---- the sandbox processor: a stand-in for the processor's own website ----

def _checkout(request: Request) -> tuple[Checkout | None, str]:
    lang = request.query_params.get("lang", "ro")
    lang = lang if lang in LANGUAGES else "ro"
    return SandboxProcessor().checkout_from(request.path_params["public_id"], request.query_params), lang


async def sandbox_checkout(request: Request) -> HTMLResponse:
    """The hosted page: merchant, amount, card fields and the three answers a customer can give.
    The card fields have no name, so the browser never submits what is typed in them."""
    checkout, lang = _checkout(request)
    if checkout is None:
        return HTMLResponse(_page(lang, f'<p class="error">{escape(t("sandbox.invalid", lang=lang))}</p>'), 400)
    action = escape(f"{SANDBOX_CHECKOUT_PATH}{checkout.intent}?{request.url.query}")
    fields = "".join(
        f'<label>{escape(t(f"sandbox.{label}", lang=lang))}<input {attrs} autocomplete="off"></label>'
        for label, attrs in (("card_number", 'inputmode="numeric" placeholder="4111 1111 1111 1111"'),
                             ("expiry", 'inputmode="numeric" placeholder="12/29"'),
                             ("cvv", 'inputmode="numeric" placeholder="123"'), ("holder", 'placeholder="ION POPESCU"')))
    buttons = "".join(f'<button type="submit" name="action" value="{name}" class="{name}">'
                      f'{escape(t(f"sandbox.{name}", lang=lang))}</button>' for name in ACTIONS)
    body = (f'<dl><dt>{escape(t("sandbox.merchant", lang=lang))}</dt>'
            f'<dd>{escape(t("sandbox.merchant_name", lang=lang))}</dd>'
            f'<dt>{escape(t("sandbox.amount", lang=lang))}</dt>'
            f'<dd class="amount">{escape(_amount(checkout))}</dd></dl>'
            f'<form method="post" action="{action}">{fields}<div class="buttons">{buttons}</div></form>')
    return HTMLResponse(_page(lang, body))


async def sandbox_submit(request: Request) -> RedirectResponse | HTMLResponse:
    """The customer answered on the hosted page: notify the merchant server-to-server (as a real
    processor does), then send the browser back to the merchant's return page."""
    checkout, lang = _checkout(request)
    result = ACTIONS.get((await request.form()).get("action"))
    if checkout is None or result is None:
        return HTMLResponse(_page(lang, f'<p class="error">{escape(t("sandbox.invalid", lang=lang))}</p>'), 400)
    body, signature = SandboxProcessor().notification(checkout, result)
    await asyncio.to_thread(_deliver, body, signature)
    return RedirectResponse(settings.public_url(f"/pay?intent={checkout.intent}&lang={lang}"), status_code=303)


def _deliver(body: bytes, signature: str) -> None:
    """Posts the notification once; a failure leaves the intent waiting (a real processor retries)."""
    request = urllib.request.Request(settings.public_url(NOTIFY_PATH), data=body, method="POST",
                                     headers={"Content-Type": "application/json", SIGNATURE_HEADER: signature})
    try:
        with urllib.request.urlopen(request, timeout=15):
            pass
    except (URLError, OSError) as err:  # HTTPError included: the merchant refused it
        log.warning("sandbox could not deliver the notification: %s", err)


def _amount(checkout: Checkout) -> str:
    return format_lei(checkout.amount) if checkout.currency == "RON" else f"{checkout.amount:.2f} {checkout.currency}"


def _page(lang: str, content: str) -> str:
    title = escape(t("sandbox.title", lang=lang))
    return f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title><style>
body{{font-family:system-ui,sans-serif;background:#eef1f5;margin:0;padding:2rem}}
main{{max-width:26rem;margin:auto;background:#fff;border-radius:12px;padding:1.5rem 2rem;box-shadow:0 2px 12px #0002}}
.notice{{background:#fff4d6;padding:.6rem;border-radius:6px;font-size:.9rem}} dt{{color:#667;font-size:.85rem}}
dd{{margin:0 0 .8rem}} .amount{{font-size:1.6rem;font-weight:700}} .error{{color:#b00020}}
label{{display:block;margin:.6rem 0;font-size:.9rem}} input{{display:block;width:100%;padding:.5rem;
box-sizing:border-box;margin-top:.2rem}} .buttons{{display:grid;gap:.5rem;margin-top:1rem}}
button{{padding:.7rem;border-radius:6px;border:1px solid #889;background:#fff;cursor:pointer}}
button.confirm{{background:#1b6ef3;color:#fff;border:none;font-weight:600}}
@media (max-width:480px){{body{{padding:.75rem}} main{{padding:1rem 1.1rem}} h1{{font-size:1.5rem}}}}
</style></head><body><main><h1>{title}</h1><p class="notice">{escape(t("sandbox.notice", lang=lang))}</p>
{content}</main></body></html>"""


def routes() -> list[Route]:
    """Our notification endpoint, plus the sandbox's hosted page when the sandbox is the processor (with a
    real processor nobody may pay, or post answers, on a page that charges nothing). Every route reads at
    most HTTP_MAX_BODY_BYTES of request body."""
    limits = [Middleware(BodyLimit, max_bytes=settings.http_max_body_bytes)]
    ours = [Route(NOTIFY_PATH, notify, methods=["POST"], middleware=limits)]
    if settings.payment_processor != SandboxProcessor.name:
        return ours
    return ours + [Route(SANDBOX_CHECKOUT_PATH + "{public_id}", sandbox_checkout, methods=["GET"], middleware=limits),
                   Route(SANDBOX_CHECKOUT_PATH + "{public_id}", sandbox_submit, methods=["POST"], middleware=limits)]


ROUTES = routes()  # what server.py mounts, for the settings of this process
