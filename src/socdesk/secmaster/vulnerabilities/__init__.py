"""SecMaster's vulnerability routes, `~/soc/vulnerability` (singular, as the SDK writes it)."""
