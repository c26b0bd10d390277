"""One module per workload; each exposes `run(db: str) -> Report`."""
