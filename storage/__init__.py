"""Storage: TinyDB documents on disk with atomic writes, locks and the document shapes (no Bottle here)."""
