"""Demo data: the real Bắc Giang OCOP products with invented prices, stock, photos and contacts."""
