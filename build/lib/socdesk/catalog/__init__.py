"""Data classes: the kinds of security data SOCdesk holds and their fields."""
