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

checked as (

    select
        *,
        case
            when is_erased then 'erasure_requested'
            when record_id is null then 'missing_id'
            when {{ load_time_is_impossible('loaded_at', 'loaded_at_raw') }} then 'impossible_load_time'
            when created_at is null or updated_at is null then 'unparseable_timestamp'
            when greatest(created_at, updated_at) > {{ dbt.dateadd('hour', var('max_clock_skew_hours') | int, 'loaded_at') }}
                then 'future_timestamp'
        end as row_check
    from typed

),

ranked as (

    select
        *,
        row_number() over (
            partition by record_id, row_check
            order by updated_at desc, loaded_at desc, ticket_status asc
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
            when row_check = 'impossible_load_time' then loaded_at_raw
            when row_check = 'unparseable_timestamp'
                then coalesce(case when created_at is null then created_at_raw end, updated_at_raw)
        end as quarantine_detail
    from ranked

)

select * from screened
