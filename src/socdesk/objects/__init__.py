"""Data objects of every class but Incident: one store, one change path, one search."""
