with

subscriptions as (

    select * from {{ ref('base_crm__subscriptions') }}
    where quarantine_reason is null

),

currency_rates as (

    select * from {{ ref('currency_rates') }}

),

cleaned as (

    select
        subscriptions.record_id as subscription_id,
        subscriptions.account_id,
        subscriptions.plan,
        subscriptions.subscription_status,
        subscriptions.mrr,
        subscriptions.currency,
        subscriptions.mrr * currency_rates.usd_per_unit as mrr_usd,
        subscriptions.started_at,
        subscriptions.renews_at,
        subscriptions.canceled_at,
        subscriptions.updated_at,
        subscriptions.loaded_at
    from subscriptions
    left join currency_rates
        on subscriptions.currency = currency_rates.currency_code

)

select * from cleaned
