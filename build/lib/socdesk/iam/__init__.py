"""Identity: projects, users, memberships, tokens, API keys and AK/SK access keys."""
