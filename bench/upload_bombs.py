"""Upload bombs and HTTP limits, measured: builds each hostile file in memory, runs the upload check and
the sandboxed preview, then attacks the payment notification route of a real `uvicorn server:app`.

    python bench/upload_bombs.py            # everything (about a minute on two cores)
    python bench/upload_bombs.py --files    # only the upload bombs
    python bench/upload_bombs.py --http     # only the HTTP limits

Per bomb: accepted at upload?, time of the check, then the preview in its own worker process (so that
the worker's RUSAGE_CHILDREN peak is exactly the sandbox child's), its time, the child's peak RSS and
the outcome. Per HTTP attack: status, time, and the server's RSS growth (VmRSS / VmHWM from /proc)."""

import argparse
import http.client
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.cases.documents import check_upload, render_preview  # noqa: E402
from core.online.processor import NOTIFY_PATH, SIGNATURE_HEADER, sign  # noqa: E402
from core.platform.config import settings  # noqa: E402
from core.platform.validation import FieldError  # noqa: E402
from seed_data.sample_documents import sample_pdf  # noqa: E402
from tests import bombs  # noqa: E402

BOMBS = {  # name: (file name, builder)
    "ordinary PDF (control)": ("act.pdf", lambda: sample_pdf("id_card", ["Ionescu Maria"])),
    "40000² RGB+mask image in a PDF": ("bomb.pdf", bombs.pdf_with_huge_image),
    "page box 14400 pt x UserUnit 75000": ("box.pdf", bombs.pdf_with_huge_page_box),
    "50,000 pages": ("many.pdf", bombs.pdf_with_many_pages),
    "page of 300,000 stroked paths": ("slow.pdf", bombs.pdf_with_slow_page),
    "decompression-bomb PNG 60000²": ("bomb.png", lambda: bombs.png(60_000, 60_000)),
    "PNG 13000x13000": ("big.png", lambda: bombs.png(13_000, 13_000)),
    "PNG 7000x7000 (49 MP, allowed)": ("ok.png", lambda: bombs.png(7_000, 7_000)),
}
CONTENT_TYPES = {".pdf": "application/pdf", ".png": "image/png"}


def preview_one(name: str) -> None:
    """Worker: one sandboxed preview; prints seconds, the child's peak RSS (MB) and the outcome as JSON."""
    file_name, build = BOMBS[name]
    data = build()
    started = time.perf_counter()
    preview = render_preview(CONTENT_TYPES[Path(file_name).suffix], data)
    print(json.dumps({"seconds": time.perf_counter() - started,
                      "child_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                      "outcome": preview.failure or f"{len(preview.pages)} page(s)"}))


def files() -> None:
    print(f"limits: upload {settings.upload_max_bytes // 2**20} MiB, {settings.upload_max_pixels // 10**6} MP, "
          f"{settings.upload_max_pdf_pages} pages; preview child {settings.preview_memory_mb} MB address space, "
          f"{settings.preview_cpu_seconds} s CPU, {settings.preview_timeout_seconds:g} s wall clock\n")
    print("| bomb | size | accepted at upload | check (s) | preview (s) | child peak RSS (MB) | preview outcome |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, (file_name, build) in BOMBS.items():
        data = build()
        started = time.perf_counter()
        try:
            check_upload(file_name, data)
            accepted = "yes"
        except FieldError as refused:
            accepted = f"no ({refused.key})"
        checked = time.perf_counter() - started
        worker = subprocess.run([sys.executable, __file__, "--preview-one", name], capture_output=True, text=True,
                                cwd=ROOT, check=True)
        result = json.loads(worker.stdout)
        print(f"| {name} | {len(data) / 1024:,.0f} KB | {accepted} | {checked:.3f} | {result['seconds']:.2f} | "
              f"{result['child_peak_mb']:.0f} | {result['outcome']} |")
    pdfs = [sample_pdf("id_card", [f"Ionescu Maria {i}"]) for i in range(1500)]
    started = time.perf_counter()
    for i, pdf in enumerate(pdfs):
        check_upload(f"act{i}.pdf", pdf)
    print(f"\ncheck_upload on 1500 seed-like PDFs: {time.perf_counter() - started:.2f} s")


# ---- HTTP ----

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _memory_mb(pid: int) -> tuple[float, float]:
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


def _post(port: int, body_chunks, headers: dict) -> tuple[int | str, float]:
    """Sends a body (an iterable of chunks: streamed, never held whole) and returns status and seconds."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.putrequest("POST", NOTIFY_PATH)
        for key, value in headers.items():
            connection.putheader(key, value)
        connection.endheaders()
        chunked = headers.get("Transfer-Encoding") == "chunked"
        try:
            for chunk in body_chunks:
                connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
            if chunked:
                connection.send(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before we finished: what a limit should do
        status = connection.getresponse().status
    except (ConnectionResetError, http.client.RemoteDisconnected) as err:
        status = type(err).__name__
    finally:
        connection.close()
    return status, time.perf_counter() - started


def _zeros(total: int, chunk: int = 1 << 20):
    block = b"0" * chunk
    for _ in range(total // chunk):
        yield block


def http_limits() -> None:
    port = _free_port()
    folder = tempfile.mkdtemp(prefix="ghiseu-bench-")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/bench.db", "SEED_ON_FIRST_START": "false"}
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "server:app", "--port", str(port), "--log-level",
                               "warning"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        _post(port, [b"{}"], {"Content-Length": "2"})  # warm up: the route's first answer
        size = 400 * 1024 * 1024
        nested_big = b"[" * 100_000 + b"]" * 100_000
        nested = b'{"a":' * 10_000 + b"1" + b"}" * 10_000
        attacks = {
            "400 MB, Content-Length declared": (_zeros(size), {"Content-Length": str(size)}),
            "400 MB, chunked (no length)": (_zeros(size), {"Transfer-Encoding": "chunked"}),
            "nested JSON depth 10,000 (60 KB), signed": ([nested], {"Content-Length": str(len(nested)),
                                                                    SIGNATURE_HEADER: sign(nested)}),
            "nested JSON depth 100,000 (200 KB), signed": ([nested_big], {"Content-Length": str(len(nested_big)),
                                                                          SIGNATURE_HEADER: sign(nested_big)}),
        }
        print(f"\nlimits: body {settings.http_max_body_bytes // 1024} KB, JSON depth {settings.http_max_json_depth}; "
              f"server `uvicorn server:app` pid {server.pid}\n")
        print("| request | status | time (s) | server RSS before → after (MB) | server peak RSS (MB) |")
        print("| --- | --- | --- | --- | --- |")
        for name, (body, headers) in attacks.items():
            before, _ = _memory_mb(server.pid)
            status, seconds = _post(port, body, headers)
            after, peak = _memory_mb(server.pid)
            print(f"| {name} | {status} | {seconds:.2f} | {before:.0f} → {after:.0f} | {peak:.0f} |")
    finally:
        server.terminate()
        server.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", action="store_true")
    parser.add_argument("--http", action="store_true")
    parser.add_argument("--preview-one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.preview_one:
        preview_one(args.preview_one)
        return
    if args.files or not args.http:
        files()
    if args.http or not args.files:
        http_limits()


if __name__ == "__main__":
    main()
