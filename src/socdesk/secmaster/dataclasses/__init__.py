"""dataclasses."""
