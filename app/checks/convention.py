"""The Convention's own rules on a document (Art. I, III, V, VI; Res. Conf. 12.3): the
Appendix I import permit, Appendix I imports for commercial purposes, Appendix III origin,
exporter and importer, and the validity limits. Pure functions of the trade's facts, part of
the table in app/checks/rules.py."""

from __future__ import annotations

from app.checks.facts import LineFacts, Result, Severity, Trade
from app.core.clock import add_months


def appendix_i_import_permit(trade: Trade, line: LineFacts) -> list[Result]:
    """An Appendix I export (and the re-export of live Appendix I specimens) needs the import
    permit of the country of import granted first: met when the trade references it or when
    that Party's import permit for this line was received by EPIX."""
    if line.appendix != "I" or trade.document_type not in ("E", "R"):
        return []
    if trade.document_type == "R" and line.term_code != "LIV":
        return []
    if line.import_permit_received:
        return []
    referenced = trade.import_permit
    if referenced is not None and referenced.problem is None:
        return []
    if referenced is not None:
        why = (
            f"the import permit {referenced.party} {referenced.number} the application names "
            f"was received by EPIX but {referenced.problem}"
        )
    else:
        why = (
            f"the application names none (import_permit_party, import_permit_number) and none "
            f"from {trade.importer_country} covering it was received by EPIX"
        )
    return [
        Result(
            "appendix_i_import_permit",
            Severity.WARN,
            f"{line.accepted_name} is in Appendix I: the export permit needs the import permit "
            f"of {trade.importer_country} granted first (Art. III(2)(d)); {why}. See it before "
            "issuing.",
            line.letter,
        )
    ]


def appendix_i_import_commercial(trade: Trade, line: LineFacts) -> list[Result]:
    if line.appendix != "I" or trade.document_type != "I" or trade.purpose_code != "T":
        return []
    if line.source_code == "D":  # registered captive-breeding: treated as Appendix II
        return []
    return [
        Result(
            "appendix_i_import_commercial",
            Severity.BLOCK,
            f"An import permit for Appendix I {line.accepted_name} may not be granted for "
            "primarily commercial purposes (Art. III(3)(c)).",
            line.letter,
        )
    ]


def appendix_iii_origin(trade: Trade, line: LineFacts) -> list[Result]:
    if line.appendix != "III" or trade.document_type != "E" or line.listed_by is None:
        return []
    if trade.exporter_country == line.listed_by:
        return []
    return [
        Result(
            "appendix_iii_origin",
            Severity.WARN,
            f"{line.accepted_name} is in Appendix III at the request of {line.listed_by}: only "
            f"{line.listed_by} issues export permits for it; from {trade.exporter_country} the "
            "document is a certificate of origin (Art. V(3)).",
            line.letter,
        )
    ]


def exporter_importer(trade: Trade) -> list[Result]:
    if trade.exporter_country != trade.importer_country:
        return []
    return [
        Result(
            "same_exporter_importer",
            Severity.BLOCK,
            f"The exporting and importing country are both {trade.exporter_country}: a CITES "
            "document is for international trade (Art. I(c)).",
        )
    ]


DOCUMENTS = {"E": "an export permit", "R": "a re-export certificate", "I": "an import permit"}


def validity(trade: Trade) -> list[Result]:
    """The validity asked for: not before the date of the check, and at most the limit of the
    document type from that date (6 months for export permits and re-export certificates,
    12 for import permits, up to 3 years for some certificates). Issuance enforces the same
    limit from the issue date (app/permits/service.validity_until)."""
    if trade.valid_until is None or trade.validity_months is None:
        return []
    document = DOCUMENTS.get(trade.document_type, "this certificate")
    if trade.valid_until < trade.on:
        return [
            Result(
                "validity_in_past",
                Severity.BLOCK,
                f"The validity asked for ends on {trade.valid_until.isoformat()}, before "
                f"{trade.on.isoformat()}: after its last day of validity {document} is void "
                "(Res. Conf. 12.3).",
            )
        ]
    try:
        latest = add_months(trade.on, trade.validity_months)
    except ValueError:  # beyond the calendar (a date near 9999): no date can exceed it
        return []
    if trade.valid_until <= latest:
        return []
    return [
        Result(
            "validity_too_long",
            Severity.BLOCK,
            f"The validity asked for ends on {trade.valid_until.isoformat()}: {document} is "
            f"valid for at most {trade.validity_months} months from its issue, so no later than "
            f"{latest.isoformat()} if issued on {trade.on.isoformat()} (Art. VI(2); "
            "Res. Conf. 12.3).",
        )
    ]
