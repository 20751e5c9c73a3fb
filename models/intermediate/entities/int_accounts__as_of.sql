-- The accounts that exist on as_of_date: live in the CRM and created by the end of it (or without a creation time).
with

accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

existing as (

    select *
    from accounts
    where created_at is null or created_at < {{ as_of_end_timestamp() }}

)

select * from existing
