"""The catalog: producers, products, variants, product sets and OCOP certificates."""
