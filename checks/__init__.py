"""Cross-document rules per business type, validators, and outside registries."""

from checks.engine import run_checks
from checks.facts import CaseFacts

__all__ = ["CaseFacts", "run_checks"]
