"""~/soc/workflows: workflows, versions, import, export, validation (SecMaster dialect)."""
