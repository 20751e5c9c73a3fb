{{ config(enabled=raw_adapter_enabled('hubspot', 'contacts')) }}

{%- set contact = source('hubspot', 'contact') %}

with

contact as (

    select * from {{ contact }}

),

owner_names as (

    select
        {{ crm_numeric_id('owner_id') }} as owner_id,
        max(coalesce(
            {{ crm_text(dbt.concat([
                "coalesce(" ~ crm_text(crm_loader_column(source('hubspot', 'owner'), 'first_name')) ~ ", '')",
                "' '",
                "coalesce(" ~ crm_text(crm_loader_column(source('hubspot', 'owner'), 'last_name')) ~ ", '')",
            ])) }},
            {{ crm_text(crm_loader_column(source('hubspot', 'owner'), 'email')) }}
        )) as owner_name
    from {{ source('hubspot', 'owner') }}
    group by {{ crm_numeric_id('owner_id') }}

),

-- surviving contacts list the contacts merged into them as 'vid:epoch_ms;vid:epoch_ms'
merge_lists as (

    select
        {{ crm_numeric_id('id') }} as surviving_id,
        {{ dbt.concat(["';'", crm_text(crm_loader_column(contact, 'property_hs_calculated_merged_vids'))]) }} as merged_vids
    from contact
    where {{ crm_text(crm_loader_column(contact, 'property_hs_calculated_merged_vids')) }} is not null

),

mapped as (

    select
        {{ crm_numeric_id('contact.id') }} as id,
        {{ crm_numeric_id(crm_loader_column(contact, 'property_associatedcompanyid')) }} as account_id,
        cast({{ crm_loader_column(contact, 'property_email') }} as {{ dbt.type_string() }}) as email,
        cast({{ crm_loader_column(contact, 'property_firstname') }} as {{ dbt.type_string() }}) as first_name,
        cast({{ crm_loader_column(contact, 'property_lastname') }} as {{ dbt.type_string() }}) as last_name,
        {{ crm_text(crm_loader_column(contact, 'property_date_of_birth')) }} as birth_date,
        cast({{ crm_loader_column(contact, 'property_gender') }} as {{ dbt.type_string() }}) as gender,
        cast(null as {{ type_double() }}) as household_income,
        cast({{ crm_loader_column(contact, 'property_degree') }} as {{ dbt.type_string() }}) as education,
        cast({{ crm_loader_column(contact, 'property_marital_status') }} as {{ dbt.type_string() }}) as marital_status,
        cast({{ crm_loader_column(contact, 'property_jobtitle') }} as {{ dbt.type_string() }}) as job_title,
        cast({{ crm_loader_column(contact, 'property_hs_seniority') }} as {{ dbt.type_string() }}) as seniority,
        cast({{ crm_loader_column(contact, 'property_hs_language') }} as {{ dbt.type_string() }}) as language,
        cast({{ crm_loader_column(contact, 'property_country') }} as {{ dbt.type_string() }}) as country,
        cast({{ crm_loader_column(contact, 'property_state') }} as {{ dbt.type_string() }}) as state,
        cast({{ crm_loader_column(contact, 'property_city') }} as {{ dbt.type_string() }}) as city,
        cast({{ crm_loader_column(contact, 'property_hs_timezone') }} as {{ dbt.type_string() }}) as timezone,
        cast({{ crm_loader_column(contact, 'property_lifecyclestage') }} as {{ dbt.type_string() }}) as lifecycle_stage,
        cast({{ crm_loader_column(contact, 'property_hs_analytics_source') }} as {{ dbt.type_string() }}) as original_source,
        owner_names.owner_name,
        -- a contact merged into another is gone from HubSpot as a person of its own: deleted_in_crm
        (
            {{ crm_flag(contact, '_fivetran_deleted') }}
            or {{ crm_flag(contact, 'is_deleted') }}
            or exists (
                select 1
                from merge_lists
                where
                    merge_lists.surviving_id <> {{ crm_numeric_id('contact.id') }}
                    and merge_lists.merged_vids like {{ dbt.concat(["'%;'", crm_numeric_id('contact.id'), "':%'"]) }}
            )
        ) as is_deleted,
        {{ crm_loader_time(crm_loader_column(contact, 'property_createdate')) }} as created_at,
        {{ crm_loader_time(crm_loader_column(contact, 'property_lastmodifieddate')) }} as updated_at,
        cast(contact._fivetran_synced as {{ dbt.type_timestamp() }}) as _loaded_at
    from contact
    left join owner_names
        on {{ crm_numeric_id(crm_loader_column(contact, 'property_hubspot_owner_id')) }} = owner_names.owner_id

)

select * from mapped
