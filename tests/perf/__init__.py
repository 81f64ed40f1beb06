"""Town-scale tooling: a generator of realistic families and the storage benchmark."""
