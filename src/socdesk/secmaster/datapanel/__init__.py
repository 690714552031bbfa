"""SecMaster data-panel routes (seed 003): `~/soc/datapanel/{dataclass}/data-objects`."""
