with

source as (

    select * from {{ raw_relation('accounts') }}

),

typed as (

    select
        {{ canonical_id('id') }} as record_id,
        {{ blank_to_null('name') }} as account_name,
        {{ free_text_key('industry') }} as industry_key,
        {{ try_cast_grouped_number('employee_count', 'bigint') }} as employee_count,
        {{ blank_to_null(raw_text('employee_count')) }} as employee_count_raw,
        {{ try_cast_grouped_number('annual_revenue', 'double') }} as annual_revenue_usd,
        {{ blank_to_null(raw_text('annual_revenue')) }} as annual_revenue_raw,
        {{ free_text_key('country') }} as country_key,
        {{ free_text_key('business_model') }} as business_model_key,
        {{ blank_to_null('tech_crm') }} as tech_crm,
        {{ blank_to_null('tech_marketing_automation') }} as tech_marketing_automation,
        {{ blank_to_null('tech_database') }} as tech_database,
        {{ blank_to_null('tech_analytics') }} as tech_analytics,
        coalesce({{ try_parse_boolean('is_deleted') }}, false) as is_deleted,
        {{ is_unparseable_boolean('is_deleted') }} as has_unparseable_is_deleted,
        {{ blank_to_null('is_deleted') }} as is_deleted_raw,
        {{ try_parse_timestamp('created_at') }} as created_at,
        {{ try_parse_timestamp('updated_at') }} as updated_at,
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
            when updated_at is null then 'unparseable_timestamp'
            when updated_at > {{ dbt.dateadd('hour', var('max_clock_skew_hours') | int, 'loaded_at') }}
                then 'future_timestamp'
            when has_unparseable_is_deleted then 'unparseable_boolean'
        end as row_check
    from typed

),

ranked as (

    select
        *,
        row_number() over (
            partition by record_id, row_check
            order by updated_at desc, loaded_at desc, is_deleted desc, account_name asc
        ) as version_rank
    from checked

),

screened as (

    select
        *,
        case
            when row_check is not null then row_check
            when version_rank > 1 then 'superseded_version'
            when is_deleted then 'deleted_in_crm'
        end as quarantine_reason,
        case row_check
            when 'unparseable_timestamp' then updated_at_raw
            when 'impossible_load_time' then loaded_at_raw
            when 'unparseable_boolean' then is_deleted_raw
        end as quarantine_detail
    from ranked

)

select * from screened
