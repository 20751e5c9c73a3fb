with

source as (

    select * from {{ raw_relation('accounts') }}

),

typed as (

    select
        {{ blank_to_null('id') }} as record_id,
        {{ blank_to_null('name') }} as account_name,
        {{ free_text_key('industry') }} as industry_key,
        {{ try_cast_number('employee_count', 'bigint') }} as employee_count,
        {{ try_cast_number('annual_revenue', 'double') }} as annual_revenue_usd,
        {{ free_text_key('country') }} as country_key,
        {{ free_text_key('business_model') }} as business_model_key,
        {{ blank_to_null('tech_crm') }} as tech_crm,
        {{ blank_to_null('tech_marketing_automation') }} as tech_marketing_automation,
        {{ blank_to_null('tech_database') }} as tech_database,
        {{ blank_to_null('tech_analytics') }} as tech_analytics,
        coalesce(cast(is_deleted as boolean), false) as is_deleted,
        {{ try_parse_timestamp('created_at') }} as created_at,
        {{ try_parse_timestamp('updated_at') }} as updated_at,
        {{ blank_to_null('updated_at') }} as updated_at_raw,
        cast(_loaded_at as timestamp) as loaded_at
    from source

),

checked as (

    select
        *,
        case
            when record_id is null then 'missing_id'
            when updated_at is null then 'unparseable_timestamp'
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
        case when row_check = 'unparseable_timestamp' then updated_at_raw end as quarantine_detail
    from ranked

)

select * from screened
