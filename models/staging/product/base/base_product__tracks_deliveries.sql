{{ event_deliveries('tracks') }}
