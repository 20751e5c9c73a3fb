{{ event_deliveries('identifies', context=false) }}
