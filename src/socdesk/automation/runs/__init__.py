"""Running workflows durably: run rows, the engine over SpiffWorkflow, the actions, the runner."""
