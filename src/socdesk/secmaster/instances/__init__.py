"""~/soc/workflows/instances: workflow runs in the SDK's shapes."""
