"""Deterministic demo dataset, built through the real services."""
