"""The register's user routes: the member list and avatars."""
