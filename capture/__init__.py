"""Frames and PDFs in → upright, cropped, perspective-corrected pages with a quality report.

Imports no OCR code: readers know nothing of models.
"""
