"""Public verification of printed permits: the QR code's target. Anyone may confirm that this
Management Authority issued a permit with that number and digest, and see its state now."""
