"""Playbooks: when workflows run (docs/playbooks.md)."""
