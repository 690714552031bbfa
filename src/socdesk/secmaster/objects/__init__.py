"""SecMaster generic data-object routes: `~/soc/{dataclass_name}` for every class."""
