"""RO e-Factura: every invoice and credit note as the UBL 2.1 / CIUS-RO XML the tax authority receives,
checked by the official rules before it is sent (document.py, ubl.py, validate.py; CLI in __main__.py)."""
