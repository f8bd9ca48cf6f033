"""Rendering of the electronic application (电子申请书) and receipt (电子回单) as PDF/A-3b candidates."""

from .application import render_application
from .receipt import render_receipt

__all__ = ["render_application", "render_receipt"]
