"""~/soc/components: the component catalogue (SecMaster dialect)."""
