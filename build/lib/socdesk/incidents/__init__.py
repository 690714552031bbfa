"""Incidents: the canonical store and its SecMaster routes."""
