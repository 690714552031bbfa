"""SecMaster's workspace routes."""
