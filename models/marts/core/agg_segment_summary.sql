-- Per segmentation model and segment on as_of_date: size, share of the model's entities, net revenue, average
-- NPS and share of active users, so BI compares segment performance at a glance. For the firmographic model
-- (accounts) revenue, NPS and activity are those of the accounts' contacts. An active user had a product event
-- in the last 30 days (var behavior_window_days); avg_nps is over contacts who answered.
with

membership as (

    select * from {{ ref('fct_segment_membership') }}

),

value_based as (

    select * from {{ ref('seg_value_based') }}

),

psychographic as (

    select * from {{ ref('seg_psychographic') }}

),

behavior as (

    select * from {{ ref('int_contacts__behavior_metrics') }}

),

contact_facts as (

    select
        value_based.contact_id,
        value_based.net_revenue,
        psychographic.nps_score,
        case when behavior.events_30d > 0 then 1 else 0 end as is_active,
        behavior.account_id
    from value_based
    inner join psychographic
        on value_based.contact_id = psychographic.contact_id
    inner join behavior
        on value_based.contact_id = behavior.contact_id

),

contact_segments as (

    select
        membership.segment_model,
        membership.segment,
        count(*) as entities,
        sum(contact_facts.net_revenue) as net_revenue,
        avg(contact_facts.nps_score) as avg_nps,
        sum(contact_facts.is_active) as active_contacts,
        count(*) as contacts
    from membership
    inner join contact_facts
        on membership.entity_id = contact_facts.contact_id
    where membership.entity_type = 'contact'
    group by membership.segment_model, membership.segment

),

account_segments as (

    select
        membership.segment_model,
        membership.segment,
        count(distinct membership.entity_id) as entities,
        sum(contact_facts.net_revenue) as net_revenue,
        avg(contact_facts.nps_score) as avg_nps,
        sum(contact_facts.is_active) as active_contacts,
        count(contact_facts.contact_id) as contacts
    from membership
    left join contact_facts
        on membership.entity_id = contact_facts.account_id
    where membership.entity_type = 'account'
    group by membership.segment_model, membership.segment

),

segments as (

    select * from contact_segments
    union all
    select * from account_segments

),

summarized as (

    select
        segment_model,
        segment,
        entities,
        cast(entities as {{ type_double() }}) / sum(entities) over (partition by segment_model) as share_of_total,
        {{ round_double('coalesce(net_revenue, 0)', 2) }} as net_revenue,
        avg_nps,
        case when contacts > 0 then cast(active_contacts as {{ type_double() }}) / contacts end as share_active
    from segments

),

final as (

    select
        cast(segment_model as {{ dbt.type_string() }}) as segment_model,
        cast(segment as {{ dbt.type_string() }}) as segment,
        cast(entities as {{ dbt.type_bigint() }}) as entities,
        cast(share_of_total as {{ type_double() }}) as share_of_total,
        cast(net_revenue as {{ type_double() }}) as net_revenue,
        cast(avg_nps as {{ type_double() }}) as avg_nps,
        cast(share_active as {{ type_double() }}) as share_active,
        {{ as_of_date() }} as as_of_date
    from summarized

)

select * from final
