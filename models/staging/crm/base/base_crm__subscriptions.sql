with

source as (

    select * from {{ raw_relation('subscriptions') }}

),

-- a subscription belongs to an account; only with the Stripe billing adapter can an account be a person
-- (stripe:<customer id>, a customer no CRM contact matches), whose subscriptions an erasure request reaches
{{ erased_key_flag_ctes('account_id', 'account_id', enabled=raw_adapter_enabled('stripe', 'subscriptions')) }},

typed as (

    select
        is_erased,
        {{ canonical_id('id') }} as record_id,
        {{ unless_erased(canonical_id('account_id')) }} as account_id,
        lower({{ blank_to_null('plan') }}) as plan,
        lower({{ blank_to_null('status') }}) as subscription_status,
        {{ try_cast_number('mrr', 'double') }} as mrr,
        {{ is_non_finite_number('mrr') }} as is_non_finite_mrr,
        {{ blank_to_null(raw_text('mrr')) }} as mrr_raw,
        upper({{ blank_to_null('currency') }}) as currency,
        {{ try_parse_timestamp('started_at') }} as started_at,
        {{ try_parse_timestamp('renews_at') }} as renews_at,
        {{ try_parse_timestamp('canceled_at') }} as canceled_at,
        {{ try_parse_timestamp('updated_at') }} as updated_at,
        {{ blank_to_null('started_at') }} as started_at_raw,
        {{ blank_to_null('updated_at') }} as updated_at_raw,
        {{ loader_timestamp('_loaded_at') }} as loaded_at,
        {{ raw_text('_loaded_at') }} as loaded_at_raw
    from flagged_source

),

{{ record_screening_ctes(
    order_by='updated_at desc, loaded_at desc, plan asc, subscription_status asc',
    parsed_times=['updated_at', 'started_at'],
    future_times=['updated_at'],
    erasable=true,
    version_checks=[
        ['non_finite_amount', 'is_non_finite_mrr'],
        ['malformed_amount', 'mrr_raw is not null and mrr is null'],
    ],
    details={'non_finite_amount': 'mrr_raw', 'malformed_amount': 'mrr_raw'}
) }}

select * from screened
