"""Issued permits and certificates: numbering, validity, cancellation and replacement."""
