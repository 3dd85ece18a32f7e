"""The programme dashboard: progress of the OCOP programme against its plan."""
