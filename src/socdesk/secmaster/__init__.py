"""secmaster."""
