"""CITES ePermit XML (toolkit v2 structure): the typed document, a strict writer, a lenient
reader, the safe parser and the layered validation report."""
