"""Links between data objects of any classes, incidents included, and notes on objects."""
