"""Workflow definitions as data. Each module holds one declarative table (a new version of a table is a new
module beside the old one); TABLES lists those `core.workflow.registry` runs."""

from workflows import holder_change, new_contract, payment_dispute, refund

TABLES = (holder_change.WORKFLOW, new_contract.WORKFLOW, payment_dispute.WORKFLOW, refund.WORKFLOW)
