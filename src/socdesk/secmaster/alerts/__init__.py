"""SecMaster alert routes that differ from the generic data-object ones."""
