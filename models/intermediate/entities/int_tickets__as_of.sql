-- The kept support tickets created up to as_of_date: what the behavior metrics and data quality count.
with

tickets as (

    select * from {{ ref('stg_crm__tickets') }}

),

created as (

    select *
    from tickets
    where created_at < {{ as_of_end_timestamp() }}

)

select * from created
