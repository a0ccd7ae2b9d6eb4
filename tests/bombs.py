"""Hostile files built in code (no binaries in git), shared by the tests and bench/upload_bombs.py: each
is small on disk and expensive to decode or render, the way an upload bomb is."""

import struct
import zlib

_BLOCK = 1 << 20


def zeros_deflated(size: int) -> bytes:
    """A zlib stream of `size` zero bytes, built from one compressed block repeated (a full flush resets
    the compressor, so every block compresses to the same bytes): gigabytes in a fraction of a second."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: header and checksum are ours
    block = compressor.compress(b"\x00" * _BLOCK) + compressor.flush(zlib.Z_FULL_FLUSH)
    count, rest = divmod(size, _BLOCK)
    tail = compressor.compress(b"\x00" * rest) + compressor.flush()
    adler32 = (size % 65521) << 16 | 1  # of zeros: a = 1, b = the length (mod 65521)
    return b"\x78\xda" + block * count + tail + struct.pack(">I", adler32)


def _pdf(objects: list[bytes]) -> bytes:
    """A minimal PDF: object 1 is the catalog; a correct cross-reference table."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (dictionary, len(data), data)


def _one_page(page: bytes, content: bytes, *extra: bytes) -> bytes:
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page,
                 _stream(b"/Filter /FlateDecode", zlib.compress(content)), *extra])


def _image(width: int, height: int, colour_space: bytes, components: int, smask: bytes = b"") -> bytes:
    return _stream(b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent 8 "
                   b"/Filter /FlateDecode%s" % (width, height, colour_space, smask),
                   zeros_deflated(width * height * components))


def pdf_with_huge_image(side: int = 40_000) -> bytes:
    """A letter page showing one side x side RGB image with a soft mask, all zeros, Flate-compressed:
    a few MB on disk, side² x 4 bytes (6.4 GB at 40,000) once decoded."""
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 5 0 R >> >> "
            b"/Contents 4 0 R >>")
    return _one_page(page, b"q 612 0 0 792 0 0 cm /Im1 Do Q",
                     _image(side, side, b"/DeviceRGB", 3, b" /SMask 6 0 R"), _image(side, side, b"/DeviceGray", 1))


def pdf_with_huge_page_box(user_unit: int = 75_000) -> bytes:
    """The largest page box PDF allows (14,400 pt) times the largest user unit: a page kilometres wide."""
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] /UserUnit %d /Contents 4 0 R >>" % user_unit
    return _one_page(page, b"0.5 g 0 0 14400 14400 re f")


def pdf_with_many_pages(pages: int = 50_000) -> bytes:
    """`pages` pages sharing one content stream: small on disk, every page a render."""
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R >>"
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
                 _stream(b"", b"0.5 g 10 10 500 700 re f"), b"<< >>", *([page] * pages)])


def pdf_with_slow_page(operations: int = 300_000) -> bytes:
    """One page whose compressed content repeats a stroked path `operations` times: ~40 KB on disk,
    minutes of CPU to draw."""
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>"
    return _one_page(page, b"0.5 g 10 10 500 700 re f 0 0 m 600 780 l 5 w S\n" * operations)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int) -> bytes:
    """A valid greyscale PNG of width x height zero pixels (each row: filter byte 0 then the pixels)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zeros_deflated((width + 1) * height)) + _chunk(b"IEND", b""))
