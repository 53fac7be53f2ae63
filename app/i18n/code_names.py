"""What the pages call the CITES codes of an application's species lines: the terms
describing the specimens (box 9), the units (box 11), the purposes (box 5a) and the sources
(box 10), in English, marked for translation (N_). The names follow the CITES Guidelines for
the preparation and submission of annual reports and Res. Conf. 12.3 (their French and
Spanish versions give the translations).

A code the table does not know (a code list may gain codes) is shown as the code itself.
The pages show a code with its name: ``Live (LIV)`` where a value is read, ``LIV — Live`` in
a form's choices (the code first, so that typing it finds the choice); a unit is named
without its code, after the quantity."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.codelists import lists
from app.i18n import N_

Gettext = Callable[[str], str]

TERMS = {
    "BAL": N_("Baleen"),
    "BAR": N_("Bark"),
    "BEL": N_("Belts"),
    "BOC": N_("Bone carvings"),
    "BOD": N_("Bodies"),
    "BON": N_("Bones"),
    "BOP": N_("Bone pieces"),
    "BPR": N_("Bone products"),
    "CAL": N_("Calipee"),
    "CAP": N_("Carapaces"),
    "CAR": N_("Carvings"),
    "CAV": N_("Caviar"),
    "CHP": N_("Chips"),
    "CLA": N_("Claws"),
    "CLO": N_("Cloth"),
    "COR": N_("Raw corals"),
    "CST": N_("Cosmetics"),
    "CUL": N_("Cultures"),
    "DER": N_("Derivatives"),
    "DPL": N_("Dried plants"),
    "EAR": N_("Ears"),
    "EGG": N_("Eggs"),
    "EGL": N_("Live eggs"),
    "EXT": N_("Extract"),
    "FEA": N_("Feathers"),
    "FIB": N_("Fibres"),
    "FIG": N_("Fingerlings"),
    "FIN": N_("Fins"),
    "FLO": N_("Flowers"),
    "FOO": N_("Feet"),
    "FRN": N_("Furniture"),
    "FRU": N_("Fruit"),
    "GAL": N_("Gall"),
    "GAB": N_("Gall bladders"),
    "GAR": N_("Garments"),
    "GEN": N_("Genitalia"),
    "GRS": N_("Graft rootstocks"),
    "HAI": N_("Hair"),
    "HAP": N_("Hair products"),
    "HOC": N_("Horn carvings"),
    "HOP": N_("Horn pieces"),
    "HOR": N_("Horns"),
    "HPR": N_("Horn products"),
    "IVC": N_("Ivory carvings"),
    "IVP": N_("Ivory pieces"),
    "IVS": N_("Ivory scraps"),
    "KEY": N_("Piano keys"),
    "LEA": N_("Leather"),
    "LEG": N_("Frog legs"),
    "LIV": N_("Live"),
    "LOG": N_("Logs"),
    "LPL": N_("Large leather products"),
    "LPS": N_("Small leather products"),
    "LVS": N_("Leaves"),
    "MEA": N_("Meat"),
    "MED": N_("Medicine"),
    "MUS": N_("Musk"),
    "OIL": N_("Oil"),
    "PEA": N_("Pearls"),
    "PIE": N_("Pieces"),
    "PLA": N_("Plates"),
    "PLY": N_("Plywood"),
    "POW": N_("Powder"),
    "QUI": N_("Quills"),
    "ROO": N_("Roots"),
    "SAW": N_("Sawn wood"),
    "SCA": N_("Scales"),
    "SDL": N_("Seedlings"),
    "SEE": N_("Seeds"),
    "SHE": N_("Shells"),
    "SHO": N_("Shoes"),
    "SID": N_("Sides"),
    "SKD": N_("Skeletons"),
    "SKI": N_("Skins"),
    "SKP": N_("Skin pieces"),
    "SKU": N_("Skulls"),
    "SOU": N_("Soup"),
    "SPE": N_("Specimens (scientific)"),
    "STE": N_("Stems"),
    "SWI": N_("Swim bladders"),
    "TAI": N_("Tails"),
    "TEE": N_("Teeth"),
    "TIM": N_("Timber"),
    "TRO": N_("Trophies"),
    "TUS": N_("Tusks"),
    "UNS": N_("Unspecified"),
    "VEN": N_("Veneer"),
    "VNM": N_("Venom"),
    "WAX": N_("Wax"),
    "WPR": N_("Wood products"),
}
PURPOSES = {
    "B": N_("Breeding in captivity or artificial propagation"),
    "E": N_("Educational"),
    "G": N_("Botanical garden"),
    "H": N_("Hunting trophy"),
    "L": N_("Law enforcement, judicial or forensic"),
    "M": N_("Medical (including biomedical research)"),
    "N": N_("Reintroduction or introduction into the wild"),
    "P": N_("Personal"),
    "Q": N_("Circus or travelling exhibition"),
    "S": N_("Scientific"),
    "T": N_("Commercial"),
    "Z": N_("Zoo"),
}
SOURCES = {
    "W": N_("Taken from the wild"),
    "R": N_("Ranched"),
    "D": N_("Appendix I, bred or propagated in a registered operation"),
    "A": N_("Artificially propagated plants"),
    "C": N_("Bred in captivity"),
    "F": N_("Born in captivity (F1 or later)"),
    "I": N_("Confiscated or seized"),
    "O": N_("Pre-Convention"),
    "U": N_("Source unknown (must be justified)"),
    "X": N_("Taken in the marine environment beyond national jurisdiction"),
    "Y": N_("Assisted production (plants)"),
}
# After a quantity ("12 kilograms"); a number of specimens is NAR (or no unit).
UNITS = {
    "NAR": N_("number of specimens"),
    "KGM": N_("kilograms"),
    "GRM": N_("grams"),
    "LTR": N_("litres"),
    "MLT": N_("millilitres"),
    "MTR": N_("metres"),
    "CMT": N_("centimetres"),
    "MTK": N_("square metres"),
    "MTQ": N_("cubic metres"),
    "CMQ": N_("cubic centimetres"),
}
TABLES = {"term": TERMS, "purpose": PURPOSES, "source": SOURCES, "unit": UNITS}
NUMBER = "NAR"


def _known(kind: str, code: str) -> str | None:
    """The English name of ``code`` in the ``kind`` table (a unit's legacy code, such as KIL
    or PCS, by the UN/ECE code it stands for), or None."""
    table = TABLES[kind]
    if kind == "unit":
        code = lists.code_lists().unit_legacy.get(code, code)
    return table.get(code)


def name(kind: str, code: str | None, gettext: Gettext) -> str:
    """The code's name in the reader's language; the code itself when the table does not
    know it ("" for no code)."""
    if not code:
        return ""
    found = _known(kind, code)
    return gettext(found) if found else code


def labelled(kind: str, code: str | None, gettext: Gettext) -> str:
    """``Live (LIV)``: the name and the code; the code alone when it has no name."""
    if not code:
        return ""
    found = _known(kind, code)
    return f"{gettext(found)} ({code})" if found else code


def unit_after_quantity(code: str | None, gettext: Gettext) -> str:
    """What follows a quantity: the unit's name; for a number of specimens (NAR or no unit)
    the words in brackets, as "2 (number of specimens)" reads in every language."""
    if not code or lists.code_lists().unit_legacy.get(code, code) == NUMBER:
        return f"({gettext(UNITS[NUMBER])})"
    return name("unit", code, gettext)


def options(kind: str, gettext: Gettext) -> list[tuple[str, str]]:
    """A form's choices for the codes of the app's code list, in its order: (code,
    ``LIV — Live``); a code the table does not know is offered as the code alone. The
    units leave out the number of specimens (the form's empty choice)."""
    codes = lists.code_lists()
    listed: dict[str, list[str]] = {
        "term": sorted(codes.term),
        "purpose": list(codes.purpose),
        "source": list(codes.source),
        "unit": [c for c in codes.unit if c != NUMBER],
    }
    choices = []
    for code in listed[kind]:
        found = _known(kind, code)
        choices.append((code, f"{code} — {gettext(found)}" if found else code))
    return choices


def template_helpers(gettext: Gettext) -> tuple[dict[str, Any], dict[str, Any]]:
    """The Jinja2 filters and globals of one language: ``code|code_name("term")``,
    ``code|code_label("source")``, ``unit|unit_after_quantity`` and
    ``code_options("purpose")``."""
    filters = {
        "code_name": lambda code, kind: name(kind, code, gettext),
        "code_label": lambda code, kind: labelled(kind, code, gettext),
        "unit_after_quantity": lambda code: unit_after_quantity(code, gettext),
    }
    return filters, {"code_options": lambda kind: options(kind, gettext)}
