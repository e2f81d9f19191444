"""Training runs: the SQLite run store, the dispatcher that starts workers, and the worker process itself."""
