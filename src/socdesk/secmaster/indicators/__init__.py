"""SecMaster's indicator routes, `~/soc/indicators` (the SDK's own shapes)."""
