with

tickets as (

    {{ select_kept('base_crm__tickets', [
        'record_id as ticket_id', 'contact_id', 'subject', 'priority', 'ticket_status',
        'created_at', 'updated_at', 'loaded_at'
    ]) }}

)

select * from tickets
