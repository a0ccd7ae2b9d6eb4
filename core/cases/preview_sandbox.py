"""Drawing previews of uploaded files, which are hostile until proven otherwise: a small PDF can hold a
gigapixel image or a page that takes minutes to draw. `render_in_sandbox` therefore renders in a child
process (`python -m core.cases.preview_sandbox`) that caps its own address space and CPU time before it loads
a parser, and is killed by the parent at a wall-clock timeout; a bomb costs the child, never the app.

This module is what the child imports, so it imports nothing of ours (no settings, no database) and
loads pypdfium2 and Pillow only once the limits are set. The parent passes the limits on the command
line and the file on stdin, in a minimal environment (no secrets to leak); the child answers on stdout:
b"OK" and each page as a 4-byte length and a PNG, or b"NO" and the reason it gave up."""

import io
import resource
import signal
import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

MAX_PREVIEW_PIXELS = 4_000_000  # a hostile PDF page of 1 x 14400 pt must not become a 50 GB bitmap
PROJECT_ROOT = Path(__file__).resolve().parents[2]

# why there is no preview (catalog keys files.no_preview.<reason>)
TOO_LARGE = "too_large"  # the renderer ran out of its memory allowance
TOO_SLOW = "too_slow"  # it used up its CPU time or the wall-clock timeout
UNREADABLE = "unreadable"  # the parser refused the file or died on it


@dataclass(frozen=True)
class Preview:
    """PNG images of the first pages, or no pages and the reason there are none."""

    pages: tuple[bytes, ...] = ()
    failure: str | None = None


def render_pages(content_type: str, data: bytes, max_pages: int = 3, width: int = 1000) -> list[bytes]:
    """PNG images of the first pages of a PDF, or of the image scaled down, each at most
    MAX_PREVIEW_PIXELS. In the app process only for files we generated ourselves (invoice copies)."""
    if content_type != "application/pdf":
        return [_image_page(data, width)]
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    pages = []
    for index in range(min(len(pdf), max_pages)):
        page = pdf[index]
        page_width, page_height = page.get_size()
        scale = min(width / page_width, (MAX_PREVIEW_PIXELS / (page_width * page_height)) ** 0.5)
        pages.append(_png(page.render(scale=scale).to_pil()))
    return pages


def _image_page(data: bytes, width: int):
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", (width, width))  # JPEG: decode at a reduced size straight away
        image.thumbnail((width, MAX_PREVIEW_PIXELS // width))
        return _png(image)


def _png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


# ---- the parent's side ----

def render_in_sandbox(content_type: str, data: bytes, *, memory_mb: int, cpu_seconds: int,
                      timeout_seconds: float, max_pages: int = 3, width: int = 1000) -> Preview:
    """Renders in a child process under the given limits; never raises for what the file does."""
    command = [sys.executable, "-E", "-s", "-m", "core.cases.preview_sandbox", content_type, str(memory_mb),
               str(cpu_seconds), str(max_pages), str(width)]
    # -E -s: no PYTHON* variables, no user site; `-m` finds the project because the child runs in its
    # root, with nothing of our environment (no database address, no secrets)
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          cwd=PROJECT_ROOT, env={"PATH": "/usr/bin:/bin"}) as child:
        try:
            answer, _ = child.communicate(data, timeout=timeout_seconds)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            return Preview(failure=TOO_SLOW)
    if child.returncode == -signal.SIGXCPU or child.returncode == -signal.SIGKILL:
        return Preview(failure=TOO_SLOW)
    if child.returncode != 0 or answer[:2] not in (b"OK", b"NO"):
        return Preview(failure=UNREADABLE)
    if answer[:2] == b"NO":
        reason = answer[2:].decode("ascii", "replace")
        return Preview(failure=reason if reason in (TOO_LARGE, TOO_SLOW) else UNREADABLE)
    pages = tuple(_split(answer[2:]))
    return Preview(pages=pages) if pages else Preview(failure=UNREADABLE)


def _split(frames: bytes) -> list[bytes]:
    pages, at = [], 0
    while at < len(frames):
        (size,) = struct.unpack_from(">I", frames, at)
        pages.append(frames[at + 4: at + 4 + size])
        at += 4 + size
    return pages


# ---- the child's side ----

def _limit_myself(memory_mb: int, cpu_seconds: int) -> None:
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))  # SIGXCPU, then SIGKILL
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # writes no file
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # and no core dump of a bomb


def main(argv: list[str]) -> int:
    content_type, memory_mb, cpu_seconds, max_pages, width = argv[0], *map(int, argv[1:5])
    _limit_myself(memory_mb, cpu_seconds)
    data = sys.stdin.buffer.read()
    out = sys.stdout.buffer
    try:
        pages = render_pages(content_type, data, max_pages=max_pages, width=width)
    except MemoryError:
        out.write(b"NO" + TOO_LARGE.encode())
        return 0
    except Exception:  # whatever the parser raises, the file cannot be shown
        out.write(b"NO" + UNREADABLE.encode())
        return 0
    out.write(b"OK" + b"".join(struct.pack(">I", len(page)) + page for page in pages))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
