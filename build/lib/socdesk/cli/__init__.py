"""The `socdesk` command line."""
