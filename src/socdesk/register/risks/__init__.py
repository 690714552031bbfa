"""The register's risk routes."""
