"""Pydantic v2 domain objects. No I/O, no Qt."""
