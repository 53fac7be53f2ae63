"""The import permits the importing Party sent here by EPIX, as the compliance checks of an
export application need them (Appendix I: Art. III(2)(d)).

The received permits are the exchange's (``foreign_permit``, app/exchange/models.py), and the
exchange sits above the workflow: the workflow may not import it. So this module reads the
few columns it needs through a table clause of its own, read-only, and the checks receive
the answer through app/checks/service.ReceivedImportPermits (rules stay pure).

* The permit the application references (``import_permit_party``, ``import_permit_number``),
  if it was received: it serves when it is an import permit, ``valid`` and not expired on the
  date of the check; otherwise the reason it does not serve goes into the result. A reference
  to a permit that was not received here serves as it is (seen on paper, or sent otherwise).
* Without a reference that serves: an import permit in force, issued by the importing Party,
  naming the exporting country as the country of export (Box 4) covers the lines whose
  scientific name (case and spacing aside) it lists. The newest ``CANDIDATES`` are read.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, LargeBinary, String, column, or_, select, table
from sqlalchemy.orm import Session

from app.checks.facts import ImportPermitFact
from app.checks.service import IntendedTrade, Received, ReceivedImportPermits
from app.species import service as species
from app.xml.reader import read_permit_bytes

CANDIDATES = 50

_received = table(
    "foreign_permit",
    column("id", Integer),
    column("issuing_party", String),
    column("number", String),
    column("document_type", String),
    column("status", String),
    column("valid_until", Date),
    column("signed_xml", LargeBinary),
)
_c = _received.c


def _problem(document_type: str | None, status: str, valid_until: date | None, on: date) -> str:
    if document_type != "I":
        return f"is not an import permit (document type {document_type or 'unknown'})"
    if status != "valid":
        return f"is {status}"
    if valid_until is None:
        return "states no validity"
    if valid_until < on:
        return f"expired on {valid_until.isoformat()}"
    return ""


def _referenced(session: Session, trade: IntendedTrade) -> ImportPermitFact | None:
    if trade.import_permit is None:
        return None
    party, number = trade.import_permit
    row = session.execute(
        select(_c.document_type, _c.status, _c.valid_until).where(
            _c.issuing_party == party, _c.number == number
        )
    ).first()
    if row is None:
        return None
    problem = _problem(row.document_type, row.status, row.valid_until, trade.on)
    return ImportPermitFact(party, number, received=True, problem=problem or None)


def _covering(session: Session, trade: IntendedTrade) -> frozenset[str]:
    rows = session.scalars(
        select(_c.signed_xml)
        .where(
            _c.issuing_party == trade.importer_country,
            _c.document_type == "I",
            _c.status == "valid",
            or_(_c.valid_until.is_(None), _c.valid_until >= trade.on),
        )
        .order_by(_c.id.desc())
        .limit(CANDIDATES)
    )
    covered: set[str] = set()
    for signed in rows:
        document = read_permit_bytes(signed).document
        if document is None or document.valid_until is None or document.valid_until < trade.on:
            continue
        if document.exporter is None or document.exporter.country != trade.exporter_country:
            continue
        covered |= {
            species.name_key(x.scientific_name) for x in document.lines if x.scientific_name
        }
    return frozenset(covered)


def received(session: Session) -> ReceivedImportPermits:
    """The lookup the checks call for an export or re-export; nothing for other documents."""

    def lookup(trade: IntendedTrade) -> Received:
        if trade.document_type not in ("E", "R"):
            return Received()
        referenced = _referenced(session, trade)
        if referenced is not None and referenced.problem is None:
            return Received(referenced=referenced)
        return Received(referenced=referenced, covering=_covering(session, trade))

    return lookup
