"""Accounts and money: invoices, payments, settlement, the ledger, refunds and their documents."""
