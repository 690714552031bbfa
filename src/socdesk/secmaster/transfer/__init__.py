"""SecMaster's import, export and template routes."""
