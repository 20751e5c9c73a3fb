{{ config(enabled=raw_adapter_enabled('stripe', 'orders') or raw_adapter_enabled('stripe', 'subscriptions')) }}
{#-
    Stripe customers by their normalized email, the key Stripe knows people by (docs/adapters.md, "stripe",
    People): read by the orders and subscriptions (matched to a CRM contact through
    base_stripe__contacts_by_email) and by the erasure node (a request naming a customer's email erases it).
-#}
with

customers as (

    select
        {{ blank_to_null('id') }} as customer_id,
        {{ normalize_email('email') }} as email
    from {{ source('stripe', 'customer') }}

)

select * from customers
