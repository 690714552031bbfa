"""The incident-register dialect (seed 004) over the domain, one subpackage per resource."""
