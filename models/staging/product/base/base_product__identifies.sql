with

source as (

    select * from {{ source('product', 'identifies') }}

),

erased_ids as (

    {{ erased_product_ids() }}

),

typed as (

    select
        {{ blank_to_null('id') }} as event_id,
        {{ blank_to_null('user_id') }} as user_id,
        {{ blank_to_null('anonymous_id') }} as anonymous_id,
        {{ normalize_email('email') }} as email,
        {{ try_parse_timestamp('timestamp') }} as occurred_at,
        {{ blank_to_null('timestamp') }} as occurred_at_raw,
        cast(received_at as timestamp) as received_at,
        cast(uuid_ts as timestamp) as loaded_at
    from source

),

{{ event_screening_ctes() }}

select * from screened
