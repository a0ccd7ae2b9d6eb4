"""A local stand-in for the tax authority's RO e-Factura API (OAuth2 token, upload, stareMesaj, descarcare,
listaMesajeFactura), started by the tests on a free port. What it does with a document is chosen by the
document's number: accept (the default), reject with rules, answer slower than the client waits, or 500."""

import io
import json
import threading
import time
import zipfile
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from lxml import etree

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
TOKEN = "fake-access-token"
REJECTION_RULES = ["E: [BR-RO-111] Subdiviziunea tarii Cumparatorului trebuie sa fie codificata ISO 3166-2:RO",
                   "E: [BR-CO-15] Valoarea totala a facturii cu TVA nu este suma valorilor"]


class FakeAuthority:
    def __init__(self, slow_seconds: float = 2.0):
        # document number -> "accept" | "reject" | "slow" (answers too late, takes nothing) | "slow_taken" (takes
        # the upload, then answers too late) | "error"
        self.behaviour: dict[str, str] = {}
        self.processing: set[str] = set()  # document numbers whose uploads are taken but not yet listed
        self.uploads: Counter[str] = Counter()  # document number -> uploads received
        self.polls: Counter[str] = Counter()
        self.slow_seconds = slow_seconds
        self._by_index: dict[str, str] = {}
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/FCTEL/rest"
        self.token_url = f"http://127.0.0.1:{self.server.server_address[1]}/oauth/token"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _answer_zip(self, index: str, number: str) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            if self.behaviour.get(number) == "reject":
                errors = "".join(f'<Error errorMessage="{rule}"/>' for rule in REJECTION_RULES)
                archive.writestr(f"{index}.xml", f'<header xmlns="mfp:anaf:dgti:efactura:raspunsErori:v1" '
                                                 f'Index_incarcare="{index}">{errors}</header>')
            else:
                archive.writestr(f"{index}.xml", f"<Invoice><ID>{number}</ID></Invoice>")
                archive.writestr(f"semnatura_{index}.xml", "<Signature>fake</Signature>")
        return buffer.getvalue()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _reply(self, status: int, body: bytes, kind: str = "application/xml") -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client stopped waiting (the slow answer)
                    pass

            def _authorised(self) -> bool:
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self._reply(401, b"unauthorised", "text/plain")
                    return False
                return True

            def do_POST(self):  # noqa: N802 - http.server's name
                url = urlparse(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if url.path == "/oauth/token":
                    return self._reply(200, b'{"access_token": "%s", "expires_in": 3600}' % TOKEN.encode(),
                                       "application/json")
                if url.path.endswith("/upload") and self._authorised():
                    number = etree.fromstring(body).findtext(f"{{{CBC}}}ID")
                    behaviour = fake.behaviour.get(number, "accept")
                    with fake._lock:
                        fake.uploads[number] += 1
                        index = str(5000 + len(fake._by_index) + 1)
                        if behaviour not in ("error", "slow"):
                            fake._by_index[index] = number
                    if behaviour == "error":
                        return self._reply(500, b"Internal Server Error", "text/plain")
                    if behaviour in ("slow", "slow_taken"):
                        time.sleep(fake.slow_seconds)
                    return self._reply(200, (f'<header xmlns="mfp:anaf:dgti:spv:respUploadFisier:v1" '
                                             f'ExecutionStatus="0" index_incarcare="{index}"/>').encode())
                return None

            def do_GET(self):  # noqa: N802
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if not self._authorised():
                    return None
                if url.path.endswith("/stareMesaj"):
                    number = fake._by_index.get(query.get("id_incarcare", ""))
                    if number is None:
                        return self._reply(200, b'<header stare="XML cu erori nepreluat de sistem"/>')
                    fake.polls[number] += 1
                    state = "nok" if fake.behaviour.get(number) == "reject" else "ok"
                    return self._reply(200, (f'<header xmlns="mfp:anaf:dgti:efactura:stareMesajFactura:v1" '
                                             f'stare="{state}" id_descarcare="9{query["id_incarcare"]}"/>').encode())
                if url.path.endswith("/descarcare"):
                    index = query.get("id", "")[1:]
                    return self._reply(200, fake._answer_zip(index, fake._by_index[index]), "application/zip")
                if url.path.endswith("/listaMesajeFactura"):
                    listed = [{"id": f"9{index}", "id_solicitare": index, "tip": "FACTURA TRIMISA",
                               "cif": query.get("cif")} for index, number in fake._by_index.items()
                              if number not in fake.processing]
                    return self._reply(200, json.dumps({"mesaje": listed}).encode(), "application/json")
                return self._reply(404, b"not found", "text/plain")

        return Handler
