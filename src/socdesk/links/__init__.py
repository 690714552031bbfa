"""The link table between data objects, below every domain package that writes or deletes links."""
