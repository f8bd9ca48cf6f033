"""Reading pages: OCR engines behind one interface, the document classifier, one extractor per document type."""
