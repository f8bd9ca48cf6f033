"""Bulk reprocessing: selecting stored documents, reading them again, and the difference to what was stored."""
