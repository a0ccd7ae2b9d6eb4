"""Money collected per local day and channel, kept on write (core.accounts.payment_days) so that the dashboard's
payments per day reads one row per day instead of every payment of the period."""

from datetime import date
from decimal import Decimal

from sqlmodel import Field, SQLModel

from core.models.common import money_field


# One local (Bucharest) day of one channel: how many payment rows and their net sum (refunds and
# reversals are negative rows, counted too).
class PaymentDay(SQLModel, table=True):
    day: date = Field(primary_key=True)
    channel: str = Field(primary_key=True, max_length=20)
    payments: int = 0
    amount: Decimal = money_field(default=Decimal("0.00"))
