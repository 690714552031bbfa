"""SecMaster's ~/soc/incidents routes."""
