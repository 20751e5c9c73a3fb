-- One row per contact existing on as_of_date with its RFM segment and value tier (SEGMENTS.md "Value-based").
-- rfm_segment comes from R and F through seeds/rfm_segments.csv; prospect when there is no paid order.
-- value_tier from the percent rank of net revenue among contacts with positive net revenue; none otherwise.
with

order_metrics as (

    select * from {{ ref('int_contacts__order_metrics') }}

),

rfm_scores as (

    select * from {{ ref('int_contacts__rfm_scores') }}

),

rfm_segments as (

    select * from {{ ref('rfm_segments') }}

),

segmented as (

    select
        order_metrics.contact_id,
        coalesce(rfm_segments.rfm_segment, 'prospect') as rfm_segment,
        case
            when rfm_scores.net_revenue_percent_rank is null then 'none'
            when rfm_scores.net_revenue_percent_rank >= {{ var('value_tier_vip_min_percent_rank') }} then 'vip'
            when rfm_scores.net_revenue_percent_rank >= {{ var('value_tier_high_min_percent_rank') }} then 'high'
            when rfm_scores.net_revenue_percent_rank >= {{ var('value_tier_medium_min_percent_rank') }} then 'medium'
            else 'low'
        end as value_tier,
        order_metrics.paid_orders,
        order_metrics.refunds,
        order_metrics.net_revenue,
        order_metrics.avg_order_value,
        order_metrics.first_order_date,
        order_metrics.last_order_date,
        order_metrics.days_since_last_order,
        rfm_scores.r_score,
        rfm_scores.f_score,
        rfm_scores.m_score,
        rfm_scores.net_revenue_percent_rank
    from order_metrics
    left join rfm_scores
        on order_metrics.contact_id = rfm_scores.contact_id
    left join rfm_segments
        on
            rfm_scores.r_score = rfm_segments.r_score
            and rfm_scores.f_score = rfm_segments.f_score

),

-- why: the values behind the rule that matched (macros/segments/explanation.sql)
explained as (

    select
        *,
        case
            when rfm_segment = 'prospect' then {{ explain_fact('paid_orders', 'paid_orders', rest=' < 1') }}
            else {{ explain_all([
                explain_fact('r_score', 'r_score'), explain_fact('f_score', 'f_score', rest=' (seeds/rfm_segments.csv)'),
                explain_fact('days_since_last_order', 'days_since_last_order'), explain_fact('paid_orders', 'paid_orders'),
            ]) }}
        end as rfm_segment_explanation
    from segmented

),

final as (

    select
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(rfm_segment as {{ dbt.type_string() }}) as rfm_segment,
        cast(rfm_segment_explanation as {{ dbt.type_string() }}) as rfm_segment_explanation,
        cast(value_tier as {{ dbt.type_string() }}) as value_tier,
        cast(paid_orders as {{ dbt.type_bigint() }}) as paid_orders,
        cast(refunds as {{ dbt.type_bigint() }}) as refunds,
        cast(net_revenue as {{ type_double() }}) as net_revenue,
        cast(avg_order_value as {{ type_double() }}) as avg_order_value,
        cast(first_order_date as date) as first_order_date,
        cast(last_order_date as date) as last_order_date,
        cast(days_since_last_order as {{ dbt.type_int() }}) as days_since_last_order,
        cast(r_score as {{ dbt.type_int() }}) as r_score,
        cast(f_score as {{ dbt.type_int() }}) as f_score,
        cast(m_score as {{ dbt.type_int() }}) as m_score,
        cast(net_revenue_percent_rank as {{ type_double() }}) as net_revenue_percent_rank,
        {{ as_of_date() }} as as_of_date
    from explained

)

select * from final
