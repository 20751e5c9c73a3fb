-- The kept orders (and refunds) dated up to as_of_date: what the order metrics and data quality count.
with

orders as (

    select * from {{ ref('stg_crm__orders') }}

),

dated as (

    select *
    from orders
    where ordered_at < {{ as_of_end_timestamp() }}

)

select * from dated
