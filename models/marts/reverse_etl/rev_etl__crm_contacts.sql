-- The reverse-ETL feed: one row per contact with an email, keyed by the email (the CRM's match key), with one
-- column per segment property under names a CRM admin can create as-is (lower snake case, prefixed sw_ so they
-- never collide with built-in properties). The email is the only personal field. properties_hash changes when,
-- and only when, a property changes: the change feed compares it with the last export.
-- The properties are the registry's columns marked crm (var segment_registry, docs/registry.md), in order.
{%- set properties = crm_segment_properties() %}
{%- set hashed_parts = [] %}
{%- for property in properties %}
    {%- do hashed_parts.append("coalesce(sw_" ~ property ~ ", '')") %}
    {%- if not loop.last %}{% do hashed_parts.append("'|'") %}{% endif %}
{%- endfor %}

with

contacts as (

    select * from {{ ref('int_contacts__emails') }}

),

segments as (

    select * from {{ ref('dim_contact_segments') }}

),

properties as (

    select
        contacts.email,
        {%- for property in properties %}
            segments.{{ property }} as sw_{{ property }},
        {%- endfor %}
        segments.as_of_date as sw_segments_as_of
    from contacts
    inner join segments
        on contacts.contact_id = segments.contact_id

),

hashed as (

    select
        *,
        {{ dbt.hash(dbt.concat(hashed_parts)) }} as properties_hash
    from properties

),

final as (

    select
        cast(email as {{ dbt.type_string() }}) as email,
        {%- for property in properties %}
            cast(sw_{{ property }} as {{ dbt.type_string() }}) as sw_{{ property }},
        {%- endfor %}
        sw_segments_as_of,
        cast(properties_hash as {{ dbt.type_string() }}) as properties_hash
    from hashed

)

select * from final
