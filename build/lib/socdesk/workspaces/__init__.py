"""Workspaces: where a team's data lives, and who may act in each."""
