"""Stripe as Fivetran lands it, for the six shared adapter people p1..p6@example.com (schema `stripe`).

Shaped like the connector: one current row per object, amounts as integers in the currency's minor unit,
lower-case currency codes, `_fivetran_synced` typed. Quirks: `charge.created` as epoch seconds (Stripe's API form),
the other times typed; emails in mixed case with spaces; two customers for p1; a soft-deleted customer (p4) whose
payments still count; a JPY (zero-decimal) and a KWD (three-decimal) charge; a refund object AND amount_refunded on
its charge (counted once); a charge refunded with no refund object (the remainder is synthesized once); a failed
refund; a failed, a pending and a test-mode charge; a guest payment known only by its receipt email; a customer no
CRM contact matches; an incomplete_expired subscription, one set to cancel at period end, a quarterly and a yearly
price, an add-on item, a removed item.
"""

from __future__ import annotations

from datetime import UTC, datetime

from known_answers import lit as _lit

SYNCED = "timestamp '2026-11-02 01:00:00'"
EMAILS = {f"p{n}": f"p{n}@example.com" for n in range(1, 7)}


def epoch(iso: str) -> int:
    """Epoch seconds of a UTC time, as Stripe's API writes `created`."""
    return int(datetime.fromisoformat(iso).replace(tzinfo=UTC).timestamp())


def _table(con, name: str, columns: list[tuple[str, str]], rows: list[tuple]) -> None:
    names = ", ".join(f'"{column}"' for column, _ in columns)
    selects = ", ".join(f'cast("{column}" as {type_}) as "{column}"' for column, type_ in columns)
    values = ", ".join("(" + ", ".join(_lit(v) for v in row) + ", " + SYNCED + ")" for row in rows)
    con.execute(f"create or replace table {name} as select {selects}, _fivetran_synced "
                f"from (values {values}) as t({names}, _fivetran_synced)")


# id, email, created (text), is_deleted
CUSTOMERS = [
    ("cus_001", " P1@Example.COM ", "2024-01-01T00:00:00Z", False),
    ("cus_001b", "p1@example.com", "2025-06-01 12:00:00", False),  # a second customer object of p1
    ("cus_002", "p2@example.com", "2024-01-02T00:00:00Z", False),
    ("cus_003", "p3@EXAMPLE.com", "2024-01-03T00:00:00Z", False),
    ("cus_004", "P4@example.com", "2024-01-04T00:00:00Z", True),  # deleted in Stripe: its payments still happened
    ("cus_005", " p5@example.com", "2024-01-05T00:00:00Z", False),
    ("cus_006", "p6@example.com", "2024-01-06T00:00:00Z", False),
    ("cus_099", "stranger@example.com", "2024-01-09T00:00:00Z", False),  # no CRM contact
]

# id, customer, amount (minor units), refunded (minor), currency, status, captured, livemode, receipt email, created
CHARGES = [
    ("ch_101", "cus_001", 5000, 0, "usd", "succeeded", True, True, None, epoch("2026-10-30T10:00:00")),
    ("ch_102", "cus_001", 5000, 0, "usd", "succeeded", True, True, None, epoch("2026-09-15T10:00:00")),
    ("ch_103", "cus_001b", 5000, 0, "usd", "succeeded", True, True, None, epoch("2026-08-01T10:00:00")),
    ("ch_104", "cus_001", 10000, 0, "usd", "failed", False, True, None, epoch("2026-10-31T10:00:00")),
    ("ch_201", "cus_002", 15000, 0, "jpy", "succeeded", True, True, None, epoch("2026-10-20T10:00:00")),  # 15000 JPY
    ("ch_301", "cus_003", 30500, 0, "kwd", "succeeded", True, True, None, epoch("2026-07-01T10:00:00")),  # 30.500 KWD
    ("ch_302", "cus_003", 10000, 4000, "usd", "succeeded", True, True, None, epoch("2026-10-10T10:00:00")),
    ("ch_401", "cus_004", 2000, 0, "eur", "succeeded", True, True, None, epoch("2026-05-01T10:00:00")),
    ("ch_402", "cus_004", 2000, 2000, "usd", "succeeded", True, True, None, epoch("2026-06-01T10:00:00")),
    ("ch_501", "cus_005", 3000, 0, "usd", "pending", True, True, None, epoch("2026-10-31T10:00:00")),
    ("ch_601", None, 1000, 0, "usd", "succeeded", True, True, "  P6@Example.com", epoch("2026-04-01T10:00:00")),
    ("ch_602", "cus_006", 9900, 0, "usd", "succeeded", True, False, None, epoch("2026-10-30T10:00:00")),  # test mode
    ("ch_991", "cus_099", 2500, 0, "usd", "succeeded", True, True, None, epoch("2026-10-15T10:00:00")),
]

# id, charge, amount (minor), currency, status, created (timestamp)
REFUNDS = [
    ("re_301", "ch_302", 4000, "usd", "succeeded", "2026-10-12 10:00:00"),  # also in ch_302.amount_refunded
    ("re_302", "ch_302", 1000, "usd", "failed", "2026-10-13 10:00:00"),  # failed: not money back
]

# id, customer, status, start, current_period_end, canceled_at, cancel_at_period_end, ended_at
SUBSCRIPTIONS = [
    ("sub_1", "cus_001", "active", "2025-01-01 00:00:00", "2026-11-20 00:00:00", None, False, None),
    ("sub_2", "cus_002", "active", "2025-01-15 00:00:00", "2027-01-15 00:00:00", None, False, None),
    # never paid: expired, must not win over sub_2
    ("sub_2b", "cus_002", "incomplete_expired", "2026-10-25 00:00:00", "2026-11-25 00:00:00", None, False,
     "2026-10-26 00:00:00"),
    ("sub_3", "cus_003", "canceled", "2025-03-01 00:00:00", "2026-10-01 00:00:00", "2026-09-20 00:00:00", False,
     "2026-10-01 00:00:00"),
    ("sub_4", "cus_004", "active", "2025-04-01 00:00:00", "2026-11-05 00:00:00", None, False, None),
    ("sub_5", "cus_005", "active", "2025-05-01 00:00:00", "2026-11-10 00:00:00", "2026-10-20 00:00:00", True, None),
    ("sub_6", "cus_006", "trialing", "2026-09-01 00:00:00", "2026-12-01 00:00:00", None, False, None),
    ("sub_99", "cus_099", "active", "2026-01-01 00:00:00", "2026-11-15 00:00:00", None, False, None),
]

# id, subscription, price, quantity, removed
ITEMS = [
    ("si_1", "sub_1", "price_pro_m", 2, False),
    ("si_2", "sub_2", "price_ent_y", 1, False),
    ("si_2b", "sub_2b", "price_pro_m", 1, False),
    ("si_3", "sub_3", "price_starter_m", 1, False),
    ("si_4", "sub_4", "price_weekly", 1, False),
    ("si_5", "sub_5", "price_pro_m", 1, False),
    ("si_6", "sub_6", "price_starter_q", 1, False),
    ("si_6b", "sub_6", "price_seats_m", 3, False),  # add-on worth more than the plan: the plan is still starter
    ("si_6c", "sub_6", "price_ent_y", 1, True),  # removed from the subscription
    ("si_99", "sub_99", "price_pro_m", 1, False),
]

# id, currency, unit amount (minor), interval, interval count, nickname, product
PRICES = [
    ("price_pro_m", "usd", 4900, "month", 1, "Pro monthly", "prod_pro"),
    ("price_ent_y", "eur", 120000, "year", 1, "Enterprise yearly", "prod_ent"),
    ("price_starter_m", "usd", 900, "month", 1, None, "prod_starter"),
    ("price_starter_q", "usd", 2700, "month", 3, "Starter quarterly", "prod_starter"),
    ("price_seats_m", "usd", 500, "month", 1, "Extra seat", "prod_seats"),
    ("price_weekly", "usd", 1200, "week", 1, "Weekly box", None),
]

PRODUCTS = [("prod_pro", "Pro"), ("prod_ent", "Enterprise"), ("prod_starter", "Starter"), ("prod_seats", "Seats")]


def write(con) -> None:
    """Create Fivetran's Stripe tables in schema stripe of an open DuckDB connection."""
    con.execute("create schema if not exists stripe")
    _table(con, "stripe.customer",
           [("id", "varchar"), ("email", "varchar"), ("created", "varchar"), ("is_deleted", "boolean")], CUSTOMERS)
    _table(con, "stripe.charge",
           [("id", "varchar"), ("customer_id", "varchar"), ("amount", "bigint"), ("amount_refunded", "bigint"),
            ("currency", "varchar"), ("status", "varchar"), ("captured", "boolean"), ("livemode", "boolean"),
            ("receipt_email", "varchar"), ("created", "bigint")], CHARGES)
    _table(con, "stripe.refund",
           [("id", "varchar"), ("charge_id", "varchar"), ("amount", "bigint"), ("currency", "varchar"),
            ("status", "varchar"), ("created", "timestamp")], REFUNDS)
    _table(con, "stripe.subscription",
           [("id", "varchar"), ("customer_id", "varchar"), ("status", "varchar"), ("start_date", "timestamp"),
            ("current_period_end", "timestamp"), ("canceled_at", "timestamp"), ("cancel_at_period_end", "boolean"),
            ("ended_at", "timestamp")], SUBSCRIPTIONS)
    _table(con, "stripe.subscription_item",
           [("id", "varchar"), ("subscription_id", "varchar"), ("plan_id", "varchar"), ("quantity", "bigint"),
            ("_fivetran_deleted", "boolean")], ITEMS)
    _table(con, "stripe.price",
           [("id", "varchar"), ("currency", "varchar"), ("unit_amount", "bigint"), ("recurring_interval", "varchar"),
            ("recurring_interval_count", "bigint"), ("nickname", "varchar"), ("product_id", "varchar")], PRICES)
    _table(con, "stripe.product", [("id", "varchar"), ("name", "varchar")], PRODUCTS)
