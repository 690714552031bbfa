"""The incident-register dialect: `/v1/incidents`, `/v1/sources`, ... over the same store."""
