"""Limits on what a request to our HTTP routes may cost before anyone trusts it: the body is capped
before it is read (413), a JSON body nested too deep is refused before it is parsed (400, never 500)."""

import asyncio
import json
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from starlette.applications import Starlette

from core.online import payments
from core.online.processor import NOTIFY_PATH, MalformedNotification, SandboxProcessor, sign
from core.online.routes import routes
from core.platform.config import settings


def call(body_chunks, headers=()) -> tuple[int, int]:
    """POSTs to the notification route as a server would (the body in pieces, as it arrives): the status,
    and how many body bytes the app asked for before answering."""
    app, asked, answer = Starlette(routes=routes()), [0], {}
    chunks = list(body_chunks)

    async def receive():
        if asked[0] < len(chunks):
            asked[0] += 1
            return {"type": "http.request", "body": chunks[asked[0] - 1], "more_body": asked[0] < len(chunks)}
        return {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]

    scope = {"type": "http", "method": "POST", "path": NOTIFY_PATH, "raw_path": NOTIFY_PATH.encode(),
             "query_string": b"", "headers": [(k.encode(), v.encode()) for k, v in headers], "scheme": "http",
             "server": ("test", 80), "client": ("127.0.0.1", 1234), "root_path": "", "http_version": "1.1",
             "app": None}
    # a loop of its own in a thread of its own: the browser tests leave Playwright's loop running in this one
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    return answer["status"], sum(len(c) for c in chunks[:asked[0]])


def nested(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


@pytest.fixture
def no_service(monkeypatch):
    """Fails the test if a body got as far as the payment service."""
    monkeypatch.setattr(payments, "handle_notification", lambda **_: pytest.fail("the body reached the service"))


def test_a_body_declared_larger_than_the_limit_is_answered_413_without_reading_it(no_service):
    size = 400 * 1024 * 1024
    status, read = call([b"x" * 65536] * 4, headers=[("content-length", str(size))])
    assert (status, read) == (413, 0)


def test_a_chunked_body_is_stopped_at_the_limit_with_413(no_service):
    limit = settings.http_max_body_bytes
    status, read = call([b"x" * 16384] * 1000)  # 16 MB, no content-length
    assert status == 413 and limit < read <= limit + 16384


def test_a_body_within_the_limit_reaches_the_service(monkeypatch):
    seen = []
    monkeypatch.setattr(payments, "handle_notification",
                        lambda **kw: seen.append(kw["body"]) or payments.Outcome.RECORDED)
    body = b'{"intent": "x"}'
    assert call([body], headers=[("content-length", str(len(body)))])[0] == 200 and seen == [body]


def test_a_deeply_nested_signed_notification_is_refused_with_400_not_500():
    body = nested(100_000)
    with pytest.raises(MalformedNotification):
        SandboxProcessor().parse(body)
    status, _ = call([body], headers=[("content-length", str(len(body))), ("x-processor-signature", sign(body))])
    assert status in (400, 413)  # 200 KB is also over the size limit; both refuse, neither crashes


def test_a_nested_body_within_the_size_limit_is_answered_400(monkeypatch):
    monkeypatch.setattr(settings, "http_max_body_bytes", 10 * 1024 * 1024)
    body = nested(200_000)
    status, _ = call([body], headers=[("content-length", str(len(body))), ("x-processor-signature", sign(body))])
    assert status == 400


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                    max_leaves=20), st.integers(0, 60))
def test_a_json_value_is_refused_exactly_when_it_nests_deeper_than_the_limit(value, wrappers):
    def depth(v) -> int:
        children = v.values() if isinstance(v, dict) else v if isinstance(v, list) else None
        return 0 if children is None else 1 + max(map(depth, children), default=0)

    for _ in range(wrappers):  # around the limit, whatever the value inside
        value = [value]
    body = json.dumps(value).encode()
    try:
        SandboxProcessor().parse(body)
    except MalformedNotification as refused:
        assert (str(refused) == "too_deep") == (depth(value) > settings.http_max_json_depth)
    else:
        pytest.fail("not a notification, yet accepted")


def test_streamlits_own_limits_agree_with_the_upload_limit():
    server = tomllib.loads((Path(__file__).parents[2] / ".streamlit" / "config.toml").read_text())["server"]
    assert server["maxUploadSize"] * 1024 * 1024 == settings.upload_max_bytes  # Streamlit counts MiB here
    assert server["maxMessageSize"] < 200  # below the default: no file travels over the WebSocket
