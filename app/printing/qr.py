"""The verification code printed on a permit: a short digest of the signed XML, the public
URL that carries it, and the QR code drawn as vector squares (sharp at any scale).

The digest is the first 16 hex digits (64 bits) of SHA-256 over the exact signed XML bytes
stored at issuance: enough that nobody can make another document with the same digest, short
enough for a small QR code and for typing from the paper."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

import segno
from fpdf import FPDF
from fpdf.enums import RenderStyle

DIGEST_CHARS = 16


def short_digest(signed_xml: bytes) -> str:
    return hashlib.sha256(signed_xml).hexdigest()[:DIGEST_CHARS]


def verification_url(base_url: str, *, party: str, number: str, digest: str) -> str:
    """``{base}/verify/{party}/{number}?d={digest}``, the number percent-encoded."""
    return (
        f"{base_url.rstrip('/')}/verify/{quote(party, safe='')}/{quote(number, safe='')}?d={digest}"
    )


def modules(data: str) -> tuple[int, list[tuple[int, int, int]]]:
    """The QR code for ``data`` (error correction M: survives a crease or a stamp) as its
    size in modules and the dark runs of each row: (x, y, length).

    The data mask is fixed (pattern 0) rather than chosen by scoring all eight: any mask is
    valid for every reader (ISO/IEC 18004 writes the mask into the code's format bits), the
    scoring only evens out dark and light areas, and it took 3 ms, half of a whole PDF."""
    code = segno.make(data, error="m", micro=False, boost_error=False, mask=0)
    runs: list[tuple[int, int, int]] = []
    size = 0
    for y, row in enumerate(code.matrix):
        size = len(row)
        x = 0
        while x < size:
            if row[x] & 1:
                start = x
                while x < size and row[x] & 1:
                    x += 1
                runs.append((start, y, x - start))
            else:
                x += 1
    return size, runs


def draw(pdf: FPDF, data: str, *, x: float, y: float, width: float) -> None:
    """The QR code for ``data`` in a ``width`` square at (x, y), the quiet zone included
    (four modules each side, as the standard asks)."""
    size, runs = modules(data)
    module = width / (size + 8)
    left, top = x + 4 * module, y + 4 * module
    pdf.set_fill_color(0, 0, 0)
    fill = RenderStyle.F  # the enum itself: fpdf2 parses a style given as text at each call
    for column, row, length in runs:
        pdf.rect(left + column * module, top + row * module, length * module, module, style=fill)
