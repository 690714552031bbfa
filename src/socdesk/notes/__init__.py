"""Notes on data objects (SecMaster's notes): an incident's are its comments."""
