"""Incident import, export and templates: files in, files out."""
