"""Write services: keyword-only `verb_noun` functions, each one unit of work (one transaction)."""
