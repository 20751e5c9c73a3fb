{{ config(enabled=raw_adapter_enabled('salesforce', 'accounts')) }}

{%- set account = source('salesforce', 'account') %}

with

account as (

    select * from {{ account }}

),

mapped as (

    select
        {{ salesforce_id18('id') }} as id,
        cast({{ crm_loader_column(account, 'name') }} as {{ dbt.type_string() }}) as name,
        cast({{ crm_loader_column(account, 'industry') }} as {{ dbt.type_string() }}) as industry,
        {{ try_cast_number(crm_loader_column(account, 'number_of_employees'), 'bigint') }} as employee_count,
        {{ try_cast_number(crm_loader_column(account, 'annual_revenue'), 'double') }} as annual_revenue,
        cast({{ crm_loader_column(account, 'billing_country') }} as {{ dbt.type_string() }}) as country,
        cast(null as {{ dbt.type_string() }}) as business_model,
        cast(null as {{ dbt.type_string() }}) as tech_crm,
        cast(null as {{ dbt.type_string() }}) as tech_marketing_automation,
        cast(null as {{ dbt.type_string() }}) as tech_database,
        cast(null as {{ dbt.type_string() }}) as tech_analytics,
        ({{ crm_flag(account, 'is_deleted') }} or {{ crm_flag(account, '_fivetran_deleted') }}) as is_deleted,
        {{ crm_loader_time(crm_loader_column(account, 'created_date')) }} as created_at,
        {{ crm_loader_time('last_modified_date') }} as updated_at,
        cast(_fivetran_synced as {{ dbt.type_timestamp() }}) as _loaded_at
    from account

)

select * from mapped
