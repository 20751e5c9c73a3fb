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

checked as (

    select
        *,
        case
            when is_erased then 'erasure_requested'
            when record_id is null then 'missing_id'
            when {{ load_time_is_impossible('loaded_at', 'loaded_at_raw') }} then 'impossible_load_time'
            when ordered_at is null or updated_at is null then 'unparseable_timestamp'
            when greatest(ordered_at, updated_at) > {{ dbt.dateadd('hour', var('max_clock_skew_hours') | int, 'loaded_at') }}
                then 'future_timestamp'
        end as row_check
    from with_rates

),

ranked as (

    select
        *,
        row_number() over (
            partition by record_id, row_check
            order by updated_at desc, loaded_at desc, order_status asc, amount asc
        ) as version_rank
    from checked

),

screened as (

    select
        *,
        case
            when row_check is not null then row_check
            when version_rank > 1 then 'superseded_version'
            when order_status is null or order_status not in ('paid', 'refunded', 'failed') then 'unknown_status'
            when usd_per_unit is null then 'unknown_currency'
            when nullif(trim(amount_raw), '') is null then 'missing_amount'
            when is_non_finite_amount then 'non_finite_amount'
            when amount is null then 'malformed_amount'
            when amount < 0 and order_status <> 'refunded' then 'negative_amount'
        end as quarantine_reason
    from ranked

),

detailed as (

    select
        *,
        case quarantine_reason
            when 'unparseable_timestamp' then coalesce(case when ordered_at is null then ordered_at_raw end, updated_at_raw)
            when 'unknown_status' then status_raw
            when 'unknown_currency' then currency_raw
            when 'impossible_load_time' then loaded_at_raw
            when 'missing_amount' then amount_raw
            when 'non_finite_amount' then amount_raw
            when 'malformed_amount' then amount_raw
            when 'negative_amount' then amount_raw
        end as quarantine_detail
    from screened

)

select * from detailed
