"""Durable outgoing messages: written in the caller's transaction, delivered by a relay with
retries, backoff and dead letters. Plumbing that knows no business."""
