"""Deterministic generators of fake-identity document captures with ground truth. Fake people only."""
