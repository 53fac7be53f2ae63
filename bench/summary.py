"""The short human table printed at the end of a run."""

from __future__ import annotations

from typing import Any

from bench.report import table


def summary(results: list[dict[str, Any]]) -> str:
    sections = []
    failed = [r for r in results if "error" in r]
    results = [r for r in results if "error" not in r]
    issued = [r for r in results if r["benchmark"] == "issuance"]
    if issued:
        sections.append(_issuance_table(issued))
    listed = [r for r in results if r["benchmark"] == "listing"]
    if listed:
        sections.append(_listing_table(listed))
    xml = [r for r in results if r["benchmark"] == "xml"]
    if xml:
        sections.append(_xml_table(xml))
    signed = [r for r in results if r["benchmark"] == "signing"]
    if signed:
        sections.append(_signing_table(signed))
    annual = [r for r in results if r["benchmark"] == "annual"]
    if annual:
        sections.append(_annual_table(annual))
    sections += [f"FAILED {r['benchmark']} on {r['backend']}: {r['error']}" for r in failed]
    return "\n\n".join(sections)


def _issuance_table(results: list[dict[str, Any]]) -> str:
    headers = (
        *("backend", "durability", "permits", "permits/s", "x 400/s", "mean ms", "p95 ms"),
        *("cpu ms", "commit share", "numbers 1..N", "audit chain"),
    )
    rows = [
        (
            r["backend"],
            _durability(r["database"]),
            r["issuances"],
            r["permits_per_second"],
            r["ratio_to_target"],
            r["latency"]["mean_ms"],
            r["latency"]["p95_ms"],
            r["process_cpu_ms_per_issuance"],
            f"{r['commit_share']:.0%}",
            r["checks"]["numbers_contiguous"] and r["checks"]["duplicate_numbers"] == 0,
            r["checks"]["audit_chain_ok"],
        )
        for r in results
    ]
    return (
        "Issuance (approve + issue + number + signed document + audit, one transaction each)\n"
        + table(headers, rows)
    )


def _listing_table(results: list[dict[str, Any]]) -> str:
    headers = ("backend", "query", "p50 ms", "p95 ms", "p99 ms", "x 50ms", "service p95", "rows")
    rows = []
    for r in results:
        for kind, k in r["kinds"].items():
            rows.append(
                (
                    r["backend"],
                    kind,
                    k["latency"]["p50_ms"],
                    k["latency"]["p95_ms"],
                    k["latency"]["p99_ms"],
                    k["ratio_p95_to_target"],
                    k["service_latency"]["p95_ms"],
                    _rows(k["rows_matched"]),
                )
            )
    datasets = "".join(
        f"\n  {r['backend']}: {r['dataset']['permits']:,} permits, "
        f"{r['dataset']['applications'].get('submitted', 0):,} in the queue"
        + ("" if r["dataset"]["analyzed"] else ", no planner statistics (no ANALYZE)")
        for r in results
    )
    title = f"Officer listings over HTTP (target: p95 < 50 ms){datasets}\n"
    return title + table(headers, rows)


def _xml_table(results: list[dict[str, Any]]) -> str:
    headers = ("operation", "per second", "x target", "document")
    rows = []
    for r in results:
        doc = f"{r['document']['lines']}-line permit, {r['document']['bytes']:,} bytes"
        rows += [
            ("write + XSD", r["write_per_second"], r["write_ratio_to_target"], doc),
            ("read + XSD", r["read_per_second"], r["read_ratio_to_target"], doc),
            ("read + XSD (foreign sample)", r["foreign_read_per_second"], "-", "FR re-export"),
        ]
    checks = results[0]["checks"]
    title = (
        "XML on one core (targets: 5,000 written, 10,000 read per second; "
        f"XSD-valid: {checks['xsd_valid']}, round trip: {checks['round_trip']})\n"
    )
    return title + table(headers, rows)


def _signing_table(results: list[dict[str, Any]]) -> str:
    headers = ("algorithm", "signed/s", "x 3,000", "verified/s", "x 2,000", "bytes")
    rows = [
        (
            name,
            f["sign_per_second"],
            f["sign_ratio_to_target"],
            f["verify_per_second"],
            f["verify_ratio_to_target"],
            f["signed_bytes"],
        )
        for r in results
        for name, f in r["algorithms"].items()
    ]
    title = (
        "XMLDSig on one core, 3-line permit (targets: 3,000 signed, 2,000 verified per "
        f"second; verified: {results[0]['checks']['verified']})\n"
    )
    return title + table(headers, rows)


def _annual_table(results: list[dict[str, Any]]) -> str:
    headers = (
        *("backend", "basis", "rows", "seconds", "x 10 s", "generation s", "peak MB"),
        *("x 300 MB", "rows/s", "cpu s", "file MB", "rows and sum ok"),
    )
    rows = [
        (
            r["backend"],
            a["basis"],
            a["checks"]["rows"],
            a["wall_seconds"],
            a["ratio_seconds_to_target"],
            a["generation_seconds"] if a["generation_seconds"] is not None else "-",
            a["peak_rss_mb"],
            a["ratio_memory_to_target"],
            a["rows_per_second"],
            a["cpu_seconds"],
            a["file_mb"] or 0.0,
            a["checks"]["ok"],
        )
        for r in results
        for a in r["reports"].values()
    ]
    lines = ", ".join(f"{r['backend']}: {r['dataset']['permit_lines']:,} lines" for r in results)
    startup = ", ".join(
        f"{r['backend']}: {s['wall_seconds']:.1f} s, {s['peak_rss_mb']:.0f} MB"
        for r in results
        for s in [r["startup"]]
    )
    title = (
        "Annual report, exporter view, CSV to a file by `ecites report annual` in a child "
        f"process (targets: 10 s, 300 MB peak RSS; {lines})\n"
    )
    note = f"\nthe command before it reads a row (`--help`: start-up and imports): {startup}"
    return title + table(headers, rows) + note


def _durability(facts: dict[str, str]) -> str:
    if "synchronous" in facts:
        return f"synchronous={facts['synchronous']}"
    return f"fsync={facts.get('fsync', '?')}"


def _rows(matched: dict[str, int]) -> str:
    low, high = matched["min"], matched["max"]
    return f"{low:,}" if low == high else f"{low:,}-{high:,}"
