"""Accounts: customers, producer staff and OCOP office staff; login and roles."""
