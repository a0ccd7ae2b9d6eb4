"""Workflow definitions as data. Each module holds one declarative table (a new version of a table is a new
module beside the old one, e.g. holder_change_v2); TABLES lists those `core.workflow.registry` runs."""

from workflows import holder_change, holder_change_v2, new_contract, payment_dispute, refund

TABLES = (holder_change.WORKFLOW, holder_change_v2.WORKFLOW, new_contract.WORKFLOW, payment_dispute.WORKFLOW,
          refund.WORKFLOW)
