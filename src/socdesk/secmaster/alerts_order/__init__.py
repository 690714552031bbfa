"""SecMaster's batch-order route: alerts made into one incident."""
