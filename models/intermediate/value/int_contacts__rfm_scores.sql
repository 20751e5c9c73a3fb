-- RFM scores (1..5, ties share a score) over the contacts with at least one paid order, and the value tier's
-- percent rank over the contacts with positive net revenue (SEGMENTS.md "Value-based"). Better is higher:
-- R orders by days_since_last_order descending, F by paid_orders, M by net_revenue, both ascending.
with

order_metrics as (

    select * from {{ ref('int_contacts__order_metrics') }}

),

buyers as (

    select
        contact_id,
        days_since_last_order,
        paid_orders,
        net_revenue
    from order_metrics
    where paid_orders >= 1

),

scored as (

    select
        contact_id,
        {{ rank_score('days_since_last_order desc') }} as r_score,
        {{ rank_score('paid_orders') }} as f_score,
        {{ rank_score('net_revenue') }} as m_score
    from buyers

),

revenue_ranked as (

    select
        contact_id,
        {{ portable_percent_rank('net_revenue') }} as net_revenue_percent_rank
    from order_metrics
    where net_revenue > 0

),

combined as (

    select
        order_metrics.contact_id,
        scored.r_score,
        scored.f_score,
        scored.m_score,
        revenue_ranked.net_revenue_percent_rank
    from order_metrics
    left join scored
        on order_metrics.contact_id = scored.contact_id
    left join revenue_ranked
        on order_metrics.contact_id = revenue_ranked.contact_id

)

select * from combined
