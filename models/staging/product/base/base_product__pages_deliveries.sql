{{ event_deliveries('pages') }}
