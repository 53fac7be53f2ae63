"""EPIX on the receiving side: messages from peer Parties, recorded once in the inbox, each
answered with a signed receipt; received permits stored as foreign permits."""
