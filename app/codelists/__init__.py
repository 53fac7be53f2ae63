"""Versioned CITES code lists: purpose, source, appendix, unit, term, country, document type."""
