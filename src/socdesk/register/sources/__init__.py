"""The register's source routes."""
