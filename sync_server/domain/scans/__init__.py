"""Scanned masters: the PDFs a digitization team delivers, read, matched to their file records,
stored and reported on (:mod:`.ingest`), and rendered page by page for the quality check."""
