"""Cases at the counter: open, upload and replace pages, corrections, checks, views, page images, signatures, finalize."""
