with

orders as (

    select * from {{ ref('base_crm__orders') }}
    where quarantine_reason is null

),

converted as (

    select
        record_id as order_id,
        contact_id,
        account_id,
        parent_order_id,
        order_status,
        currency,
        amount,
        abs(amount) * usd_per_unit as amount_usd,
        case order_status
            when 'paid' then abs(amount) * usd_per_unit
            when 'refunded' then -abs(amount) * usd_per_unit
            else 0
        end as net_amount_usd,
        ordered_at,
        updated_at,
        loaded_at
    from orders

)

select * from converted
