"""SecMaster's ~/soc/dataclasses routes."""
