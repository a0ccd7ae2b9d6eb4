"""The tax authority's RO e-Factura API behind one small interface: upload a document, read the state of
an upload, download the answer, list recent messages. `HttpClient` speaks its REST API (FCTEL: `upload`,
`stareMesaj`, `descarcare`, `listaMesajeFactura`) with an OAuth2 bearer token obtained from a refresh token.
A small httpx client rather than `anafpy`: we need these four calls, our own timeouts and retry policy
(the worker's), and a test double of the same HTTP API; a wrapper would add a layer to fake around."""

import io
import zipfile
from dataclasses import dataclass, field
from typing import Protocol

import httpx
from lxml import etree

from core.platform.config import settings


class AuthorityError(Exception):
    """The call did not get an answer we can act on (timeout, 5xx, a malformed reply): try again later."""


class AnswerLost(AuthorityError):
    """The request was sent but its answer never came (a read timeout, a broken reply): the authority may
    have taken it."""


class UploadRefused(Exception):
    """The authority refused the upload itself (ExecutionStatus 1), with its messages."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class UploadState:
    state: str  # "ok" (accepted), "nok" (rejected), "processing"
    download_id: str | None = None
    messages: list[str] = field(default_factory=list)


class EfacturaClient(Protocol):
    def upload(self, xml: bytes, *, credit_note: bool) -> str: ...  # the upload index

    def status(self, upload_index: str) -> UploadState: ...

    def download(self, download_id: str) -> bytes: ...  # the signed answer, a ZIP

    def messages(self, days: int) -> list[dict]: ...


def answer_errors(answer_zip: bytes) -> list[str]:
    """The rule messages in a rejection's answer ZIP (its error XML lists each as an Error element)."""
    errors = []
    with zipfile.ZipFile(io.BytesIO(answer_zip)) as archive:
        for name in archive.namelist():
            if name.lower().endswith(".xml"):
                root = etree.fromstring(archive.read(name))
                errors += [e.get("errorMessage", "") for e in root.iter() if etree.QName(e).localname == "Error"]
    return [e for e in errors if e]


def answer_number(answer_zip: bytes) -> str | None:
    """The number (cbc:ID) of the document an accepted answer ZIP carries beside the authority's signature."""
    with zipfile.ZipFile(io.BytesIO(answer_zip)) as archive:
        for name in archive.namelist():
            if name.lower().endswith(".xml") and not name.lower().startswith("semnatura"):
                number = etree.fromstring(archive.read(name)).findtext("{*}ID")
                if number:
                    return number
    return None


class HttpClient:
    """The authority's REST API over HTTPS; one instance per worker pass (it caches the access token)."""

    def __init__(self, base_url: str | None = None, token_url: str | None = None, timeout: float | None = None):
        self.base_url = (base_url or settings.efactura_api_url or "").rstrip("/")
        self.token_url = token_url or settings.efactura_token_url
        if not self.base_url or not self.token_url:
            raise AuthorityError("EFACTURA_API_URL and EFACTURA_TOKEN_URL must be set to submit")
        self.http = httpx.Client(timeout=timeout or settings.efactura_timeout_seconds)
        self._token: str | None = None

    def _access_token(self) -> str:
        if self._token is None:
            reply = self._send("POST", self.token_url, data={
                "grant_type": "refresh_token", "refresh_token": settings.efactura_refresh_token or "",
                "client_id": settings.efactura_client_id or "", "client_secret": settings.efactura_client_secret or ""})
            self._token = reply.json()["access_token"]
        return self._token

    def _send(self, method: str, url: str, **kwargs) -> httpx.Response:
        try:
            reply = self.http.request(method, url, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:  # never reached them
            raise AuthorityError(f"{type(error).__name__}: {error}") from error
        except httpx.HTTPError as error:  # sent, then no answer: a read timeout, a broken reply
            raise AnswerLost(f"{type(error).__name__}: {error}") from error
        if reply.status_code >= 500 or reply.status_code in (401, 429):
            raise AuthorityError(f"HTTP {reply.status_code}")
        return reply

    def _call(self, method: str, path: str, **kwargs) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._access_token()}"}
        reply = self._send(method, f"{self.base_url}/{path}", headers=headers, **kwargs)
        if reply.status_code >= 400:
            raise AuthorityError(f"HTTP {reply.status_code}: {reply.text[:200]}")
        return reply

    def upload(self, xml: bytes, *, credit_note: bool) -> str:
        reply = self._call("POST", "upload", content=xml,
                           params={"standard": "CN" if credit_note else "UBL", "cif": settings.efactura_supplier_cui})
        root = _xml(reply)
        if root.get("ExecutionStatus") != "0" or not root.get("index_incarcare"):
            raise UploadRefused([e.get("errorMessage", "") for e in root.iter() if etree.QName(e).localname == "Errors"]
                                or ["upload refused"])
        return root.get("index_incarcare")

    def status(self, upload_index: str) -> UploadState:
        root = _xml(self._call("GET", "stareMesaj", params={"id_incarcare": upload_index}))
        state = root.get("stare", "")
        messages = [e.get("errorMessage", "") for e in root.iter() if etree.QName(e).localname == "Errors"]
        if state == "in prelucrare":
            return UploadState("processing")
        if state in ("ok", "nok"):
            return UploadState(state, root.get("id_descarcare"), messages)
        if state.startswith("XML cu erori"):  # refused before processing: no answer to download
            return UploadState("nok", None, messages or [state])
        raise AuthorityError(f"unknown state {state!r}: {messages[:1]}")

    def download(self, download_id: str) -> bytes:
        return self._call("GET", "descarcare", params={"id": download_id}).content

    def messages(self, days: int) -> list[dict]:
        reply = self._call("GET", "listaMesajeFactura", params={"zile": days, "cif": settings.efactura_supplier_cui})
        return reply.json().get("mesaje", [])


def _xml(reply: httpx.Response) -> etree._Element:
    try:
        return etree.fromstring(reply.content)
    except etree.XMLSyntaxError as error:
        raise AuthorityError(f"malformed reply: {error}") from error
