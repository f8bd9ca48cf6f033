"""Shared vocabulary of docintel: immutable data that flows capture → extractors → checks → signing. No I/O."""
