"""Workflow definitions as data. Each module holds one declarative table; REGISTRY names them."""

from workflows import holder_change, payment_dispute

REGISTRY = {wf.name: wf for wf in (holder_change.WORKFLOW, payment_dispute.WORKFLOW)}
