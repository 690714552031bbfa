"""SecMaster's attachment routes."""
