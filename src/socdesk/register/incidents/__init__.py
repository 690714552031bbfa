"""The register's /v1/incidents routes."""
