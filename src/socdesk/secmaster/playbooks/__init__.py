"""`~/soc/playbooks`: the SecMaster dialect of playbooks."""
