"""How a data object came in: SecMaster's data `type` on every object it shows (the SDK's
AlertDetail.type lists SIMULATION, PLAYBOOK, MANUAL, DATA_SOURCE). SOCdesk writes two of them;
the others belong to the automation that is still to come."""

from __future__ import annotations

# One object written through the API (POST ~/soc/alerts, POST ~/soc/{name}).
MANUAL = "MANUAL"
# Objects fed in bulk, as a data source does: seed 003's batch-create, an import.
DATA_SOURCE = "DATA_SOURCE"
