"""Workflow definitions as data. Each module holds one declarative table; REGISTRY names them."""

from workflows import holder_change, new_contract, payment_dispute, refund

REGISTRY = {wf.name: wf for wf in (holder_change.WORKFLOW, new_contract.WORKFLOW, payment_dispute.WORKFLOW,
                                   refund.WORKFLOW)}
