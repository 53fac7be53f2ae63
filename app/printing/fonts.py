"""The font the permit is printed in: DejaVu Sans, which covers Latin, Greek and Cyrillic
(fpdf2's built-in core fonts are Latin-1 only, so "Ministère" would print, "Łódź" would not).

DejaVu's licence allows redistribution, but the project does not ship the file: it uses the
system's (Debian's ``fonts-dejavu-core``) or the one ``ECITES_PDF_FONT_FILE`` names, and
says clearly when neither exists.

Speed: an embedded font is read and subset at each PDF, at a cost that grows with the glyphs
in the file (about 6 ms for a few hundred glyphs, 40 ms for the whole DejaVu Sans). So, in
order:
1. a permit whose texts are all in Windows-1252 (Western European: "Ministère", "Zürich",
   "Œuvre", "€") prints in Helvetica, one of the PDF standard fonts that every reader has:
   nothing is embedded (the form's labels are always in Helvetica);
2. else the first compact cut of DejaVu Sans that covers them, each with ASCII, Latin-1
   and punctuation: Latin Extended ("Łódź", "Dvořák"), Greek ("Αθήνα"), Cyrillic
   ("Москва"), then all three together ("Łódź, Москва"); each is made once per process;
3. else the full DejaVu Sans (Armenian, Georgian, Hebrew, ...).
"""

from __future__ import annotations

import atexit
import functools
import shutil
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
BASIC = (  # ASCII, Latin-1, punctuation, euro, numero, trade mark
    *range(0x20, 0x7F),
    *range(0xA0, 0x100),
    *range(0x2010, 0x2027),
    *(0x2030, 0x2039, 0x203A, 0x20AC, 0x2116, 0x2122),
)
LATIN_EXTENDED = tuple(range(0x100, 0x250))  # Latin Extended-A and -B
GREEK = tuple(range(0x370, 0x400))
CYRILLIC = tuple(range(0x400, 0x530))  # with the Cyrillic Supplement
CUTS = (  # smallest first: the first that covers a permit's texts is embedded
    ("latin", (*BASIC, *LATIN_EXTENDED)),
    ("greek", (*BASIC, *GREEK)),
    ("cyrillic", (*BASIC, *CYRILLIC)),
    ("european", (*BASIC, *LATIN_EXTENDED, *GREEK, *CYRILLIC)),
)


class FontUnavailable(DomainError):
    """No usable font for printing: a fault of the installation, not of the request."""

    code = "pdf_font_unavailable"
    status = 503


@dataclass(frozen=True)
class Cut:
    """A compact cut of the font, as a file, and the characters it has."""

    name: str
    path: Path
    chars: frozenset[str]


@dataclass(frozen=True)
class PrintFonts:
    """The compact cuts, smallest first, and the full font, as files."""

    cuts: tuple[Cut, ...]
    full: Path

    def for_texts(self, texts: str) -> Path | None:
        """The font file to embed for ``texts``; None: the standard Helvetica will do."""
        try:
            texts.encode(CORE_ENCODING)
        except UnicodeEncodeError:
            needed = set(texts)
            for cut in self.cuts:
                if needed <= cut.chars:
                    return cut.path
            return self.full
        return None

    def cut(self, name: str) -> Path:
        return next(cut.path for cut in self.cuts if cut.name == name)


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
    """Built once per process (and font): the compact cuts are written to a private
    temporary directory, since fpdf2 reads fonts from files."""
    full = find_font(configured)
    directory = Path(tempfile.mkdtemp(prefix="ecites-fonts-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    cuts = tuple(
        _cut(full, name, unicodes, directory / f"{full.stem}-{name}.ttf") for name, unicodes in CUTS
    )
    return PrintFonts(cuts=cuts, full=full)


def _cut(full: Path, name: str, unicodes: tuple[int, ...], target: Path) -> Cut:
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
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    font.save(target)
    return Cut(name=name, path=target, chars=frozenset(chr(c) for c in font.getBestCmap()))
