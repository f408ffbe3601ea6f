"""The sync stage's own resource: the business's rate card for the Deliveries tab's cost column."""

import dagster as dg

from wa_pipeline.settings import get_settings


class DeliveryPricing(dg.ConfigurableResource):
    """The business's rate card: Meta's webhook says whether a message is billable and in which category, not how
    much it costs."""

    rates: dict[str, float] = {}  # pricing category -> price per billable message
    currency: str = "USD"


@dg.definitions
def business_record_resources() -> dg.Definitions:
    settings = get_settings()
    return dg.Definitions(
        resources={"pricing": DeliveryPricing(rates=settings.message_rates, currency=settings.message_rates_currency)}
    )
