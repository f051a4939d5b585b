"""What reading X costs: X charges for every post its API returns.

The price per post read is `SOCIAL_X_PRICE_PER_READ_USD` (check it against X's
current price list before turning reading on). Each poll reads the mentions since
the last one, so a month costs about the replies and mentions expected, plus one
post per poll that finds any (a poll that finds nothing returns no post).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

POLLS_A_MONTH = 30 * 24 * 60 // 5  # the scheduled read runs every five minutes


def x_monthly_cost_usd(*, expected_items_per_month: int) -> Decimal:
    price = Decimal(settings.SOCIAL_X_PRICE_PER_READ_USD)
    reads = expected_items_per_month + min(expected_items_per_month, POLLS_A_MONTH)
    return (price * reads).quantize(Decimal("0.01"))
