with

source as (

    select * from {{ raw_relation('subscriptions') }}

),

typed as (

    select
        {{ blank_to_null('id') }} as record_id,
        {{ blank_to_null('account_id') }} as account_id,
        lower({{ blank_to_null('plan') }}) as plan,
        lower({{ blank_to_null('status') }}) as subscription_status,
        {{ try_cast_number('mrr', 'double') }} as mrr,
        upper({{ blank_to_null('currency') }}) as currency,
        {{ try_parse_timestamp('started_at') }} as started_at,
        {{ try_parse_timestamp('renews_at') }} as renews_at,
        {{ try_parse_timestamp('canceled_at') }} as canceled_at,
        {{ try_parse_timestamp('updated_at') }} as updated_at,
        {{ blank_to_null('started_at') }} as started_at_raw,
        {{ blank_to_null('updated_at') }} as updated_at_raw,
        cast(_loaded_at as timestamp) as loaded_at
    from source

),

checked as (

    select
        *,
        case
            when record_id is null then 'missing_id'
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
        end as quarantine_reason,
        case
            when row_check = 'unparseable_timestamp' then coalesce(
                case when updated_at is null then updated_at_raw end, started_at_raw
            )
        end as quarantine_detail
    from ranked

)

select * from screened
