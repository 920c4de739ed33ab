"""The node's side of the federation: monthly figures, signed reports, the outbox and its sender."""
