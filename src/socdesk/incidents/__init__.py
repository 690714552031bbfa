"""The incident domain: the record, its one change path, listing, search, comments, risks."""
