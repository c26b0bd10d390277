"""The domain and the event store: the part of the ledger that is the truth."""
