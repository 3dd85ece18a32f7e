"""Traceability: growing areas, batches, EPCIS events, signed QR stamps, scans and reports."""
