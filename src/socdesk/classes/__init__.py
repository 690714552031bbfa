"""Data classes: every kind of security record (incidents, alerts, indicators, vulnerabilities,
a workspace's own classes), each with one field list that validation, search, the data-class
routes, templates, import and export read."""
