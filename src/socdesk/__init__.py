"""SOCdesk: a security-operations incident desk."""

__version__ = "0.1.0"

import os as _os

# SpiffWorkflow brings lxml, and openpyxl then writes XLSX through it, which refuses the control
# characters SOCdesk exports and imports back exactly (docs/import-export.md). openpyxl reads
# this once, when first imported: set before it is.
_os.environ.setdefault("OPENPYXL_LXML", "False")
