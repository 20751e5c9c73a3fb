-- Per contact: the first invoice created in the invoice window (var invoice_window_days, 30) and how many
-- invoices were sent at or after it, up to as_of_date. Feeds the needs-based flag invoice_not_sent.
with

events as (

    select * from {{ ref('int_events__attributed') }}
    where
        contact_id is not null
        and event_name in ({{ sql_string(var('invoice_created_event')) }}, {{ sql_string(var('invoice_sent_event')) }})

),

first_created as (

    select
        contact_id,
        min(occurred_at) as first_invoice_created_in_window_at,
        count(*) as invoices_created_in_window
    from events
    where
        event_name = {{ sql_string(var('invoice_created_event')) }}
        and activity_date >= {{ window_start(var('invoice_window_days')) }}
    group by contact_id

),

sent_since as (

    select
        first_created.contact_id,
        first_created.first_invoice_created_in_window_at,
        first_created.invoices_created_in_window,
        count(events.event_id) as invoices_sent_since_first_created
    from first_created
    left join events
        on
            first_created.contact_id = events.contact_id
            and first_created.first_invoice_created_in_window_at <= events.occurred_at
            and events.event_name = {{ sql_string(var('invoice_sent_event')) }}
    group by
        first_created.contact_id,
        first_created.first_invoice_created_in_window_at,
        first_created.invoices_created_in_window

)

select * from sent_since
