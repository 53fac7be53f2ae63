"""The printable permit: an A4 PDF laid out like the standard CITES form, with a QR code
that points at the public verification page. Framework-free (no FastAPI, no Starlette)."""
