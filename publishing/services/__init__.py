"""Writes: account governance (`accounts`) and the delivery ledger (`deliveries`)."""
