"""SecMaster's enumerations shared by several built-in classes (Incident and Alert have the same
severities, statuses and phases): written once, for the records and the field lists."""

from __future__ import annotations

SEVERITIES = ("Tips", "Low", "Medium", "High", "Fatal")
# A severity's rank, as the data-object store's severity column keeps it (so `>=` works).
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}
HANDLE_STATUSES = ("Open", "Block", "Closed")
VERIFICATION_STATES = ("Unknown", "True_Positive", "False_Positive")
IPDRR_PHASES = (
    "Preparation",
    "Detection and Analysis",
    "Contain，Eradication& Recovery",
    "Post-Incident-Activity",
)
CLOSE_REASONS = ("False detection", "Resolved", "Repeated", "Other")
SOURCE_TYPES = ("1", "2", "3")
# Indicators: threat verdicts and states (the SDK's IndicatorDataObjectDetail).
VERDICTS = ("Black", "White", "Gray")
INDICATOR_STATUSES = ("Open", "Closed", "Revoked")
# Confidentiality of an indicator, highest first: first found, self-produced, bought, public.
GRANULAR_MARKINGS = ("1", "2", "3", "4")
INDICATOR_SOURCE_TYPES = ("1", "2", "3", "4", "5")
NETWORK_DIRECTIONS = ("IN", "OUT")
