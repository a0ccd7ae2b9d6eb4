"""Write services: keyword-only `verb_noun` functions, each one unit of work (one transaction)."""

import core.workflow.subscribers  # noqa: F401  every write may fire a transition: its subscribers must listen
