{{ config(enabled=raw_adapter_enabled('hubspot', 'tickets')) }}

{%- set ticket = source('hubspot', 'ticket') %}

with

ticket as (

    select * from {{ ticket }}

),

-- a ticket associated with several contacts counts for the one with the smallest id (one row per ticket)
ticket_contacts as (

    select
        {{ crm_numeric_id('ticket_id') }} as ticket_id,
        min(cast(contact_id as {{ dbt.type_bigint() }})) as contact_id
    from {{ source('hubspot', 'ticket_contact') }}
    group by {{ crm_numeric_id('ticket_id') }}

),

mapped as (

    select
        {{ crm_numeric_id('ticket.id') }} as id,
        -- the contract has no deleted flag for tickets: a deleted ticket keeps its row but belongs to no one
        case
            when not ({{ crm_flag(ticket, 'is_deleted') }} or {{ crm_flag(ticket, '_fivetran_deleted') }})
                then cast(ticket_contacts.contact_id as {{ dbt.type_string() }})
        end as contact_id,
        cast({{ crm_loader_column(ticket, 'property_subject') }} as {{ dbt.type_string() }}) as subject,
        cast({{ crm_loader_column(ticket, 'property_hs_ticket_priority') }} as {{ dbt.type_string() }}) as priority,
        cast({{ crm_loader_column(ticket, 'property_hs_pipeline_stage') }} as {{ dbt.type_string() }}) as status,
        {{ crm_loader_time(crm_loader_column(ticket, 'property_createdate')) }} as created_at,
        {{ crm_loader_time(crm_loader_column(ticket, 'property_hs_lastmodifieddate')) }} as updated_at,
        cast(ticket._fivetran_synced as {{ dbt.type_timestamp() }}) as _loaded_at
    from ticket
    left join ticket_contacts
        on {{ crm_numeric_id('ticket.id') }} = ticket_contacts.ticket_id

)

select * from mapped
