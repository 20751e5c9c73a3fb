-- One row per contact existing on as_of_date with its order metrics, orders dated up to as_of_date, in USD:
-- a paid order counts and adds its amount, a refund subtracts its absolute amount, a failed order counts for
-- nothing. first/last_order_date are over paid orders. Money is rounded to cents, so sums do not depend on the
-- order in which parallel threads add them up.
with

contacts as (

    select * from {{ ref('int_contacts__as_of') }}

),

orders as (

    select * from {{ ref('int_orders__as_of') }}

),

per_contact as (

    select
        contact_id,
        sum(case when order_status = 'paid' then 1 else 0 end) as paid_orders,
        sum(case when order_status = 'refunded' then 1 else 0 end) as refunds,
        sum(case when order_status = 'failed' then 1 else 0 end) as failed_orders,
        {{ round_double("sum(case when order_status = 'paid' then amount_usd else 0 end)", 2) }} as gross_revenue,
        {{ round_double("sum(case when order_status = 'refunded' then amount_usd else 0 end)", 2) }} as refunded_revenue,
        {{ round_double('sum(net_amount_usd)', 2) }} as net_revenue,
        min(case when order_status = 'paid' then cast(ordered_at as date) end) as first_order_date,
        max(case when order_status = 'paid' then cast(ordered_at as date) end) as last_order_date
    from orders
    where contact_id is not null
    group by contact_id

),

metrics as (

    select
        contacts.contact_id,
        coalesce(per_contact.paid_orders, 0) as paid_orders,
        coalesce(per_contact.refunds, 0) as refunds,
        coalesce(per_contact.failed_orders, 0) as failed_orders,
        coalesce(per_contact.gross_revenue, 0) as gross_revenue,
        coalesce(per_contact.refunded_revenue, 0) as refunded_revenue,
        coalesce(per_contact.net_revenue, 0) as net_revenue,
        case
            when per_contact.paid_orders > 0 then {{ round_double('per_contact.net_revenue / per_contact.paid_orders', 2) }}
        end as avg_order_value,
        per_contact.first_order_date,
        per_contact.last_order_date,
        {{ days_since('per_contact.last_order_date') }} as days_since_last_order
    from contacts
    left join per_contact
        on contacts.contact_id = per_contact.contact_id

)

select * from metrics
