with

identifies as (

    {{ select_kept('base_product__identifies', [
        'event_id', 'user_id', 'anonymous_id', 'email', 'occurred_at', 'received_at', 'loaded_at'
    ]) }}

)

select * from identifies
