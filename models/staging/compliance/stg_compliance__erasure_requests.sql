with

erasure_requests as (

    {{ select_kept('base_compliance__erasure_requests', [
        'record_id as erasure_request_id', 'email', 'contact_id', 'requested_at', 'loaded_at'
    ]) }}

)

select * from erasure_requests
