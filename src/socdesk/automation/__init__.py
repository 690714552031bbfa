"""Automation: workflows, their versions and BPMN, the component catalogue (docs/workflows.md)."""
