-- Each account's subscription on as_of_date: among subscriptions started by then, one not canceled by then
-- wins over a canceled one, then the latest started. Status on as_of_date: canceled when canceled_at is on
-- or before it; a cancellation dated later did not exist yet, so the subscription was active then.
-- plan_tier_rank is the plan's position in var plan_tiers (1 = lowest); null for an unknown plan.
{%- set plan_tiers = var('plan_tiers') %}

with

subscriptions as (

    select * from {{ ref('stg_crm__subscriptions') }}
    where
        started_at < {{ as_of_end_timestamp() }}
        and account_id is not null

),

as_of_status as (

    select
        subscription_id,
        account_id,
        plan,
        case
            when canceled_at < {{ as_of_end_timestamp() }} then 'canceled'
            when subscription_status = 'canceled' and canceled_at is null then 'canceled'
            when subscription_status = 'canceled' then 'active'
            else subscription_status
        end as subscription_status,
        mrr_usd,
        started_at,
        renews_at,
        canceled_at
    from subscriptions

),

ranked as (

    select
        *,
        row_number() over (
            partition by account_id
            order by case when subscription_status = 'canceled' then 1 else 0 end, started_at desc, subscription_id desc
        ) as current_rank
    from as_of_status

),

current_subscription as (

    select
        subscription_id,
        account_id,
        plan,
        case plan
            {%- for tier in plan_tiers %}
                when {{ sql_string(tier) }} then {{ loop.index }}
            {%- endfor %}
        end as plan_tier_rank,
        subscription_status,
        mrr_usd,
        started_at,
        renews_at,
        canceled_at
    from ranked
    where current_rank = 1

)

select * from current_subscription
