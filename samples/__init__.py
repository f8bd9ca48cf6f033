"""Sample captures: a deterministic generator of fake-identity documents, and a few generated samples."""
