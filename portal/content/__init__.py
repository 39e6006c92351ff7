"""Enablement content: the library, tailoring, search, learning together, and its KPIs."""
