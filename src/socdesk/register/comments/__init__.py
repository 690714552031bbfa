"""The register's incident comment routes."""
