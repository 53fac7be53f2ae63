"""The trust registry: peer Parties, their endpoints and the certificates their permits are
signed with; and this Party's own signing keys."""
