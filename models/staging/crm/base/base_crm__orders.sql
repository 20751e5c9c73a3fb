with

source as (

    select * from {{ raw_relation('orders') }}

),

currency_rates as (

    select * from {{ ref('currency_rates') }}

),

{{ erased_contact_flag_ctes() }},

typed as (

    select
        is_erased,
        {{ canonical_id('id') }} as record_id,
        {{ unless_erased(canonical_id('contact_id')) }} as contact_id,
        {{ unless_erased(canonical_id('account_id')) }} as account_id,
        {{ canonical_id('parent_order_id') }} as parent_order_id,
        {{ try_cast_number('amount', 'double') }} as amount,
        {{ is_non_finite_number('amount') }} as is_non_finite_amount,
        upper({{ blank_to_null('currency') }}) as currency,
        lower({{ blank_to_null('status') }}) as order_status,
        {{ try_parse_timestamp('ordered_at') }} as ordered_at,
        {{ try_parse_timestamp('updated_at') }} as updated_at,
        {{ blank_to_null('ordered_at') }} as ordered_at_raw,
        {{ blank_to_null('updated_at') }} as updated_at_raw,
        {{ blank_to_null('status') }} as status_raw,
        {{ blank_to_null('currency') }} as currency_raw,
        {{ raw_text('amount') }} as amount_raw,
        {{ loader_timestamp('_loaded_at') }} as loaded_at,
        {{ raw_text('_loaded_at') }} as loaded_at_raw
    from flagged_source

),

with_rates as (

    select
        typed.*,
        currency_rates.usd_per_unit
    from typed
    left join currency_rates
        on typed.currency = currency_rates.currency_code

),

{{ record_screening_ctes(
    from_cte='with_rates',
    order_by='updated_at desc, loaded_at desc, order_status asc, amount asc',
    parsed_times=['ordered_at', 'updated_at'],
    future_times=['ordered_at', 'updated_at'],
    erasable=true,
    version_checks=[
        ['unknown_status', "order_status is null or order_status not in ('paid', 'refunded', 'failed')"],
        ['unknown_currency', 'usd_per_unit is null'],
        ['missing_amount', "nullif(trim(amount_raw), '') is null"],
        ['non_finite_amount', 'is_non_finite_amount'],
        ['malformed_amount', 'amount is null'],
        ['negative_amount', "amount < 0 and order_status <> 'refunded'"],
    ],
    details={
        'unknown_status': 'status_raw',
        'unknown_currency': 'currency_raw',
        'missing_amount': 'amount_raw',
        'non_finite_amount': 'amount_raw',
        'malformed_amount': 'amount_raw',
        'negative_amount': 'amount_raw',
    }
) }}

select * from screened
