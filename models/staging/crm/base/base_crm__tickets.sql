with

source as (

    select * from {{ raw_relation('tickets') }}

),

{{ erased_contact_flag_ctes() }},

typed as (

    select
        is_erased,
        {{ canonical_id('id') }} as record_id,
        {{ unless_erased(canonical_id('contact_id')) }} as contact_id,
        {{ unless_erased(blank_to_null('subject')) }} as subject,
        lower({{ blank_to_null('priority') }}) as priority,
        lower({{ blank_to_null('status') }}) as ticket_status,
        {{ try_parse_timestamp('created_at') }} as created_at,
        {{ try_parse_timestamp('updated_at') }} as updated_at,
        {{ blank_to_null('created_at') }} as created_at_raw,
        {{ blank_to_null('updated_at') }} as updated_at_raw,
        {{ loader_timestamp('_loaded_at') }} as loaded_at,
        {{ raw_text('_loaded_at') }} as loaded_at_raw
    from flagged_source

),

{{ record_screening_ctes(
    order_by='updated_at desc, loaded_at desc, ticket_status asc',
    parsed_times=['created_at', 'updated_at'],
    future_times=['created_at', 'updated_at'],
    erasable=true
) }}

select * from screened
