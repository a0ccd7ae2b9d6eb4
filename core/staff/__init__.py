"""Who is acting: staff sign-in, sessions, the second factor, roles, masking of personal data."""
