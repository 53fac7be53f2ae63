"""Traders' applications for permits and certificates (the standard form's boxes)."""
