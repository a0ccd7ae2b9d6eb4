"""What the admin's outbox hides: the secrets that would let a reader act as the customer."""

from core.masking import hide_secrets


def test_secrets_in_customer_messages_are_hidden_but_registration_numbers_are_not():
    body = ("Codul dumneavoastră este 482913. Cererea SCT-2026-000123: http://x/upload?token=Ab_9-xYz "
            "Sumă 123456,00 lei")
    hidden = hide_secrets(body, "delivery.email_on")
    assert "482913" not in hidden and "Ab_9-xYz" not in hidden
    assert "SCT-2026-000123" in hidden and "123456,00" in hidden
    assert "482913" in hide_secrets(body, "holder_change.registered")  # no code in other messages to hide
