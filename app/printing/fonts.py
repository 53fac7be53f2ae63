"""The font the permit is printed in: DejaVu Sans, which covers Latin, Greek and Cyrillic
(fpdf2's built-in core fonts are Latin-1 only, so "Ministère" would print, "Łódź" would not).

DejaVu's licence allows redistribution, but the project does not ship the file: it uses the
system's (Debian's ``fonts-dejavu-core``) or the one ``ECITES_PDF_FONT_FILE`` names, and
says clearly when neither exists.

Speed: embedding a font means subsetting it at each ``output()`` (about half the time of a
whole permit). So, in order:
1. a permit whose texts are all in Windows-1252 (Western European: "Ministère", "Zürich",
   "Œuvre", "€") prints in Helvetica, one of the PDF standard fonts that every reader has:
   nothing is embedded (the form's labels are always in Helvetica);
2. else, a compact Latin cut of DejaVu Sans (Latin-1, Latin Extended-A and -B, punctuation:
   about 400 glyphs, made once per process) when it covers them ("Łódź", "Dvořák");
3. else the full DejaVu Sans (Greek, Cyrillic, ...).
"""

from __future__ import annotations

import functools
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset, ttLib

from app.core.errors import DomainError

CORE_ENCODING = "cp1252"  # what fpdf2 writes the standard fonts' texts in (set on each PDF)
SYSTEM_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),  # Debian, Ubuntu
    Path("/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf"),  # Fedora
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),  # Arch
    Path("/usr/local/share/fonts/dejavu/DejaVuSans.ttf"),  # FreeBSD
)
LATIN = (  # ASCII, Latin-1, Latin Extended-A and -B, punctuation, euro, numero, trade mark
    *range(0x20, 0x7F),
    *range(0xA0, 0x250),
    *range(0x2010, 0x2027),
    *(0x2030, 0x2039, 0x203A, 0x20AC, 0x2116, 0x2122),
)


class FontUnavailable(DomainError):
    """No usable font for printing: a fault of the installation, not of the request."""

    code = "pdf_font_unavailable"
    status = 503


@dataclass(frozen=True)
class PrintFonts:
    """The compact Latin cut (and the characters it has) and the full font, as files."""

    latin: Path
    latin_chars: frozenset[str]
    full: Path

    def for_texts(self, texts: str) -> Path | None:
        """The font file to embed for ``texts``; None: the standard Helvetica will do."""
        try:
            texts.encode(CORE_ENCODING)
        except UnicodeEncodeError:
            return self.latin if set(texts) <= self.latin_chars else self.full
        return None


def find_font(configured: Path | None) -> Path:
    """The configured font file, else the first DejaVu Sans found on the system."""
    if configured is not None:
        if not configured.is_file():
            raise FontUnavailable(
                f"ECITES_PDF_FONT_FILE {configured} does not exist",
                details={"path": str(configured)},
            )
        return configured
    for candidate in SYSTEM_FONTS:
        if candidate.is_file():
            return candidate
    raise FontUnavailable(
        "no font for printing permits: install DejaVu Sans (Debian: apt-get install "
        "fonts-dejavu-core) or set ECITES_PDF_FONT_FILE to a TrueType font covering the "
        "names on your permits",
        details={"searched": [str(p) for p in SYSTEM_FONTS]},
    )


@functools.cache
def print_fonts(configured: Path | None = None) -> PrintFonts:
    """Built once per process (and font): the compact cut is written to a private
    temporary directory, since fpdf2 reads fonts from files."""
    full = find_font(configured)
    try:
        font = ttLib.TTFont(full, recalcTimestamp=False)
    except Exception as exc:  # fontTools raises many kinds on a file that is not a font
        raise FontUnavailable(
            f"{full} is not a usable TrueType font: {exc}", details={"path": str(full)}
        ) from exc
    options = subset.Options()
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "FFTM", "MATH", "hdmx"]
    options.hinting = False  # no hinting in a PDF meant for print
    options.notdef_outline = True
    options.recommended_glyphs = True
    options.glyph_names = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=LATIN)
    subsetter.subset(font)
    chars = frozenset(chr(c) for c in font.getBestCmap())
    directory = Path(tempfile.mkdtemp(prefix="ecites-fonts-"))
    latin = directory / f"{full.stem}-latin.ttf"
    font.save(latin)
    return PrintFonts(latin=latin, latin_chars=chars, full=full)
