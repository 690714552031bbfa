"""Users' profile images (`/api/v1/users/{id}/avatar`), which register `icon`s point at."""
