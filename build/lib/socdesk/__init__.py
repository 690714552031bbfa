"""SOCdesk: a security-operations incident desk."""

__version__ = "0.1.0"
