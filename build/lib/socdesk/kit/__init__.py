"""Shared plumbing: database, errors, request ids, logging, metrics."""
