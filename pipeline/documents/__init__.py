"""Use cases on documents outside any case: extract, check, verify a signed PDF."""
