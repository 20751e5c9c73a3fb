-- The contacts that exist on as_of_date: live in the CRM (not deleted, not erased) and created by the end of it.
-- A contact without a creation time is taken to exist. Every per-contact mart has exactly these rows.
with

contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

existing as (

    select *
    from contacts
    where created_at is null or created_at < {{ as_of_end_timestamp() }}

)

select * from existing
