"""The public self-service pages' services: customers act without an account, so every entry point
here identifies them by what they know (payment code + CNP/CUI, a private link) and is rate-limited."""
