"""SecMaster note routes, `~/soc/notes`: notes on any data object (an incident's: its comments)."""
