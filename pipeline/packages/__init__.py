"""Electronic packages from loan teams: submit (unpack, store, dispatch), the recorded reads, finish (case, checks, finalize)."""
