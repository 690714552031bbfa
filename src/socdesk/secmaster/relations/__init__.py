"""SecMaster relation routes: links between data objects of any classes, incidents included."""
