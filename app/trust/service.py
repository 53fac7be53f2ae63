"""Managing the trust registry; every change is audited."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.codelists import lists
from app.core.actor import Actor
from app.core.clock import utcnow
from app.core.errors import Conflict, InvalidInput, NotFound
from app.trust import repository
from app.trust.models import Peer, PeerCertificate, TrustRegistryVersion
from app.trust.schemas import VERIFYING_STATES, CertificateState, PeerState
from epix import EndpointError, check_endpoint

SIGNING = "signing"
# (from, to) certificate state changes an administrator may make
_CERTIFICATE_MOVES = {
    (CertificateState.PENDING, CertificateState.ACTIVE),
    (CertificateState.ACTIVE, CertificateState.RETIRING),
    (CertificateState.RETIRING, CertificateState.ACTIVE),
    *(
        (state, CertificateState.REVOKED)
        for state in CertificateState
        if state is not CertificateState.REVOKED
    ),
}


def certificate_fingerprint(certificate: x509.Certificate) -> str:
    """SHA-256 of the DER encoding, lower-case hex: how certificates are named everywhere."""
    return hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest()


def parse_certificate(pem: str) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(pem.encode())
    except ValueError as exc:
        raise InvalidInput(
            "not a PEM-encoded X.509 certificate",
            code="invalid_certificate",
            details={"field": "pem"},
        ) from exc


def add_peer(
    session: Session,
    *,
    party: str,
    name: str,
    endpoint_url: str | None,
    own_party: str,
    actor: Actor,
) -> Peer:
    party = lists.country_code(party, "party")
    if party == own_party:
        raise InvalidInput(
            "this Party's own keys are not a peer's", code="own_party", details={"party": party}
        )
    if repository.get_peer(session, party) is not None:
        raise Conflict(f"a peer for {party} exists", code="peer_exists", details={"party": party})
    if endpoint_url is not None:
        try:
            check_endpoint(endpoint_url)
        except EndpointError as exc:
            raise InvalidInput(
                str(exc), code="insecure_endpoint", details={"endpoint_url": endpoint_url}
            ) from None
    now = utcnow()
    peer = Peer(
        party=party,
        name=name,
        endpoint_url=endpoint_url,
        state=PeerState.ACTIVE,
        created_at=now,
        updated_at=now,
    )
    session.add(peer)
    _bump(session)
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(f"a peer for {party} exists", code="peer_exists") from exc
    audit.record(
        session,
        actor=actor,
        action="peer.add",
        object_type="peer",
        object_id=party,
        details={"name": name, "endpoint_url": endpoint_url},
    )
    return peer


def get_peer(session: Session, party: str) -> Peer:
    peer = repository.get_peer(session, party.strip().upper())
    if peer is None:
        raise NotFound(f"no peer for {party}", code="peer_not_found", details={"party": party})
    return peer


def list_peers(
    session: Session, *, state: PeerState | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[Peer], int]:
    return repository.list_peers(
        session, state=state.value if state else None, limit=limit, offset=offset
    )


def set_peer_state(session: Session, *, peer: Peer, state: PeerState, actor: Actor) -> Peer:
    if peer.state != state:
        previous, peer.state, peer.updated_at = peer.state, state, utcnow()
        _bump(session)
        audit.record(
            session,
            actor=actor,
            action=f"peer.{state.value}",
            object_type="peer",
            object_id=peer.party,
            details={"from": previous},
        )
    return peer


def trust_certificate(
    session: Session, *, peer: Peer, pem: str, state: CertificateState, actor: Actor
) -> PeerCertificate:
    if state not in (CertificateState.PENDING, CertificateState.ACTIVE):
        raise InvalidInput("a new certificate is pending or active", code="invalid_state")
    certificate = parse_certificate(pem)
    fingerprint = certificate_fingerprint(certificate)
    if repository.get_certificate(session, fingerprint) is not None:
        raise Conflict(
            "this certificate is registered already",
            code="certificate_exists",
            details={"fingerprint": fingerprint},
        )
    now = utcnow()
    record = PeerCertificate(
        peer_id=peer.id,
        fingerprint=fingerprint,
        pem=pem.strip() + "\n",
        usage=SIGNING,
        subject=certificate.subject.rfc4514_string()[:500],
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        state=state,
        created_at=now,
        state_changed_at=now,
    )
    session.add(record)
    session.flush()
    _bump(session)
    audit.record(
        session,
        actor=actor,
        action="certificate.trust",
        object_type="certificate",
        object_id=fingerprint,
        details={"party": peer.party, "state": state.value, "subject": record.subject},
    )
    return record


def get_certificate(session: Session, fingerprint: str) -> PeerCertificate:
    record = repository.get_certificate(session, fingerprint.strip().lower())
    if record is None:
        raise NotFound(
            "no such certificate",
            code="certificate_not_found",
            details={"fingerprint": fingerprint},
        )
    return record


def change_certificate_state(
    session: Session, *, record: PeerCertificate, state: CertificateState, reason: str, actor: Actor
) -> PeerCertificate:
    current = CertificateState(record.state)
    if (current, state) not in _CERTIFICATE_MOVES:
        raise Conflict(
            f"a {current.value} certificate cannot become {state.value}",
            code="invalid_transition",
            details={"state": current.value, "requested": state.value},
        )
    record.state, record.state_reason, record.state_changed_at = state, reason, utcnow()
    _bump(session)
    audit.record(
        session,
        actor=actor,
        action=f"certificate.{state.value}",
        object_type="certificate",
        object_id=record.fingerprint,
        details={"from": current.value, "reason": reason},
    )
    return record


def list_certificates(session: Session, *, peer: Peer) -> list[PeerCertificate]:
    return repository.certificates(session, peer.id)


def find_peer(session: Session, party: str) -> Peer | None:
    return repository.get_peer(session, party)


def is_registered(session: Session, party: str) -> bool:
    """Whether ``party`` is a peer this service exchanges with (whatever its state: messages
    to a suspended peer wait in the outbox)."""
    return repository.peer_exists(session, party)


@dataclass(frozen=True)
class PeerEntry:
    state: str
    trusted: tuple[x509.Certificate, ...]
    revoked: frozenset[str]


@dataclass(frozen=True)
class RegistryView:
    """The whole trust registry, certificates parsed, as of ``version``."""

    version: int | None
    peers: dict[str, PeerEntry]

    def lookup(self, party: str) -> tuple[list[x509.Certificate], frozenset[str]]:
        entry = self.peers.get(party)
        return ([], frozenset()) if entry is None else (list(entry.trusted), entry.revoked)

    def is_suspended(self, party: str) -> bool:
        entry = self.peers.get(party)
        return entry is not None and entry.state == PeerState.SUSPENDED


_CACHE: dict[str, RegistryView] = {}
_CACHE_LOCK = threading.Lock()
_CHANGED = "trust_registry_changed"


def forget_cached_registries() -> None:
    """For tools that change the tables underneath (test fixtures emptying them)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def _bump(session: Session) -> None:
    """Move the registry version, in the changing transaction (and do not cache what this
    transaction sees: it may still roll back)."""
    session.info[_CHANGED] = True
    if not repository.bump_version(session):
        session.add(TrustRegistryVersion(id=1, version=1))
        session.flush()


def _cache_key(session: Session) -> str:
    return str(session.get_bind().engine.url)


def last_registry(session: Session) -> RegistryView | None:
    """The registry as last read for this database, from memory, without a query (None when
    not read yet). It may be out of date: a decision made with it stands only when
    :func:`registry_version`, read in the deciding transaction, is still its version."""
    return _CACHE.get(_cache_key(session))


def registry_version(session: Session) -> int | None:
    """The registry's version as this transaction sees it (one primary-key read)."""
    return repository.version(session)


def registry_view(session: Session) -> RegistryView:
    """The registry as this transaction sees it, from memory when its version has not moved
    (one primary-key read instead of reading and parsing every certificate)."""
    version = repository.version(session)
    key = _cache_key(session)
    cached = _CACHE.get(key)
    if cached is not None and cached.version == version and not session.info.get(_CHANGED):
        return cached
    peers: dict[str, PeerEntry] = {}
    records = repository.all_certificates(session)
    for peer in repository.all_peers(session):
        mine = records.get(peer.id, [])
        peers[peer.party] = PeerEntry(
            state=peer.state,
            trusted=tuple(parse_certificate(r.pem) for r in mine if r.state in VERIFYING_STATES),
            revoked=frozenset(r.fingerprint for r in mine if r.state == CertificateState.REVOKED),
        )
    view = RegistryView(version, peers)
    if version is not None and not session.info.get(_CHANGED):
        with _CACHE_LOCK:
            _CACHE[key] = view
    return view


def registry_lookup(
    session: Session,
) -> Callable[[str], tuple[list[x509.Certificate], frozenset[str]]]:
    """The registry as a function of the Party, for verify_permit."""
    return registry_view(session).lookup
