"""The open-data JSON API and its OpenAPI document."""
