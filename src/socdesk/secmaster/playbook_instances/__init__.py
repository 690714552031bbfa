"""~/soc/playbooks/instances: playbook instances in the SDK's shapes."""
