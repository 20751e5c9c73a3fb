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
        {{ crm_version_columns() }}
    from source

),

{{ record_screening_ctes(
    order_by='updated_at desc, loaded_at desc, is_deleted desc, account_name asc',
    parsed_times=['updated_at'],
    future_times=['updated_at'],
    checks_after_times=[['unparseable_boolean', 'has_unparseable_is_deleted']],
    version_checks=[['deleted_in_crm', 'is_deleted']],
    details={'unparseable_boolean': 'is_deleted_raw'}
) }}

select * from screened
