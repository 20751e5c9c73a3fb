with

source as (

    select * from {{ raw_relation('erasure_requests') }}

),

typed as (

    select
        {{ canonical_id('id') }} as record_id,
        {{ normalize_email('email') }} as email,
        {{ canonical_id('contact_id') }} as contact_id,
        {{ try_parse_timestamp('requested_at') }} as requested_at,
        -- an erasure request is honoured whatever its load time: never quarantined for it
        {{ loader_timestamp('_loaded_at') }} as loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            -- one request per email; a request by contact id alone, one per contact id
            partition by email, case when email is null then contact_id end
            order by requested_at, loaded_at, record_id
        ) as request_rank
    from typed

),

screened as (

    select
        *,
        case
            when email is null and contact_id is null then 'missing_email'
            when request_rank > 1 then 'duplicate_request'
        end as quarantine_reason,
        cast(null as {{ dbt.type_string() }}) as quarantine_detail
    from ranked

)

select * from screened
