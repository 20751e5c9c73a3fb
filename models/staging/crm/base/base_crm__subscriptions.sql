with

source as (

    select * from {{ raw_relation('subscriptions') }}

),

typed as (

    select
        {{ canonical_id('id') }} as record_id,
        {{ canonical_id('account_id') }} as account_id,
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
    from source

),

checked as (

    select
        *,
        case
            when record_id is null then 'missing_id'
            when {{ load_time_is_impossible('loaded_at', 'loaded_at_raw') }} then 'impossible_load_time'
            when updated_at is null or started_at is null then 'unparseable_timestamp'
            when updated_at > {{ dbt.dateadd('hour', var('max_clock_skew_hours') | int, 'loaded_at') }}
                then 'future_timestamp'
        end as row_check
    from typed

),

ranked as (

    select
        *,
        row_number() over (
            partition by record_id, row_check
            order by updated_at desc, loaded_at desc, plan asc, subscription_status asc
        ) as version_rank
    from checked

),

screened as (

    select
        *,
        case
            when row_check is not null then row_check
            when version_rank > 1 then 'superseded_version'
            when is_non_finite_mrr then 'non_finite_amount'
            when mrr_raw is not null and mrr is null then 'malformed_amount'
        end as quarantine_reason,
        case
            when row_check = 'impossible_load_time' then loaded_at_raw
            when row_check = 'unparseable_timestamp'
                then coalesce(case when updated_at is null then updated_at_raw end, started_at_raw)
            when row_check is null and version_rank = 1 and (is_non_finite_mrr or (mrr_raw is not null and mrr is null))
                then mrr_raw
        end as quarantine_detail
    from ranked

)

select * from screened
