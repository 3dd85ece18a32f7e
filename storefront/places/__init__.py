"""Administrative units as they were in 2024 and as they are after 1 July 2025."""
