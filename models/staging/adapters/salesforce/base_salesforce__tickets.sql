{{ config(enabled=raw_adapter_enabled('salesforce', 'tickets')) }}

{%- set support_case = source('salesforce', 'case') %}

with

support_case as (

    select * from {{ support_case }}

),

mapped as (

    select
        {{ salesforce_id18('id') }} as id,
        -- the contract has no deleted flag for tickets: a deleted case keeps its row but belongs to no one
        case
            when not ({{ crm_flag(support_case, 'is_deleted') }} or {{ crm_flag(support_case, '_fivetran_deleted') }})
                then {{ salesforce_id18(crm_loader_column(support_case, 'contact_id')) }}
        end as contact_id,
        cast({{ crm_loader_column(support_case, 'subject') }} as {{ dbt.type_string() }}) as subject,
        cast({{ crm_loader_column(support_case, 'priority') }} as {{ dbt.type_string() }}) as priority,
        cast({{ crm_loader_column(support_case, 'status') }} as {{ dbt.type_string() }}) as status,
        {{ crm_loader_time('created_date') }} as created_at,
        {{ crm_loader_time('last_modified_date') }} as updated_at,
        cast(_fivetran_synced as {{ dbt.type_timestamp() }}) as _loaded_at
    from support_case

)

select * from mapped
